"""After a long outage, a restarted server is seen again within a couple of seconds.

Retries back off up to 15 s; a bare TCP connect once a second ends a backoff step as soon
as the port opens again. Not a speed test: the bound (4 s) is twice the target and half
the old behaviour (an 8 s backoff step waited out in full).
"""

from __future__ import annotations

import asyncio
import time

import pytest

from redis_tui.core.models import Outage, Snapshot
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.monitor.session import MonitorEvent, MonitorSession
from redis_tui.core.poller import Poller
from redis_tui.core.probe import PortWatch, port_open
from redis_tui.core.target import Target

BACK_WITHIN_S = 4.0


async def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


async def restart_after_long_outage(server, is_backed_off) -> float:
    """Stop the server, wait until `is_backed_off()`, start it again; when it answered."""
    server.stop()
    await wait_for(is_backed_off)
    await asyncio.to_thread(server.start)
    return time.monotonic()


async def test_the_poller_is_back_soon_after_a_long_outage(server):
    poller = Poller(Target(port=server.port), interval=0.5)
    seen: list[tuple[float, object]] = []
    task = asyncio.create_task(poller.run(lambda update: seen.append((time.monotonic(), update))))
    try:
        await wait_for(lambda: seen and isinstance(seen[-1][1], Snapshot), 10)

        def backed_off() -> bool:
            last = seen[-1][1]
            return isinstance(last, Outage) and last.retry_at - time.time() >= 7.0  # an 8 s step

        answered = await restart_after_long_outage(server, backed_off)
        await wait_for(lambda: isinstance(seen[-1][1], Snapshot), 20)
        back = next(at for at, update in seen if isinstance(update, Snapshot) and at > answered - 1)
        assert back - answered < BACK_WITHIN_S
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_a_running_monitor_resumes_soon_after_a_long_outage(server):
    events: list[tuple[float, MonitorEvent]] = []
    session = MonitorSession(Target(port=server.port), MonitorOptions(guard_interval_s=0.1),
                             on_event=lambda event: events.append((time.monotonic(), event)))
    task = asyncio.create_task(session.run(retry_first=True))

    def kinds() -> list[str]:
        return [event.kind for _, event in events]

    try:
        await wait_for(lambda: "started" in kinds(), 10)
        answered = await restart_after_long_outage(
            server, lambda: events[-1][1].kind == "retrying" and (events[-1][1].retry_in or 0) >= 8)
        await wait_for(lambda: "resumed" in kinds(), 20)
        resumed = next(at for at, event in events if event.kind == "resumed")
        assert resumed - answered < BACK_WITHIN_S
    finally:
        session.stop()
        await asyncio.wait_for(task, 10)


async def test_a_port_that_stays_open_never_cuts_the_backoff_short(server):
    watch = PortWatch(Target(port=server.port), every=0.05)
    watch.failed("connection-timeout")  # a frozen server: its kernel still accepts connections
    assert await port_open(watch.target)
    assert await watch.sleep(0.4) == "timeout" and watch.probes >= 3
    watch.failed("auth-failed")  # the server answers: no probing at all
    assert await watch.sleep(0.2) == "timeout" and watch.probes <= 8
    watch.failed("connection-refused")
    assert await watch.sleep(5) == "open"
