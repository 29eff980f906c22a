"""`record --on-alert CMD`: run a shell command when a finding opens, worsens or clears (a warning or a critical
one by default: `level`; info findings are often intended, and each opens when the recorder starts).

CMD gets the event as JSON on stdin (`Event.to_json`) and ``REDIS_TUI_EVENT`` (the kind),
``REDIS_TUI_FINDING``, ``REDIS_TUI_SEVERITY``, ``REDIS_TUI_NODE`` and ``REDIS_TUI_TARGET`` (masked) in its
environment (not ``REDISCLI_AUTH`` or ``REDIS_URL``: they may hold the password). Bounded: one run at a time
from a bounded queue (the oldest waiting alert is dropped, and counted, when it is full), each run killed
after a timeout, and the same (finding, node, kind) not sent again within `repeat_s` seconds. A failing
command is logged to stderr; it never stops the recorder.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from collections import deque
from collections.abc import Callable
from typing import TextIO

from redis_tui.core import events as ev
from redis_tui.core.events import Event

RANK = {"info": 0, "warning": 1, "critical": 2}
ALERT_KINDS = (ev.FINDING_OPENED, ev.FINDING_CHANGED, ev.FINDING_CLEARED)
DEFAULT_REPEAT_S = 300.0
DEFAULT_TIMEOUT_S = 30.0
QUEUE = 100
PRIVATE = ("REDISCLI_AUTH", "REDIS_URL")  # may hold the password: not passed on to the alert command


def finding_id(event: Event) -> str:
    """The finding an event is about ("" for none)."""
    payload = event.payload
    return str(payload.get("id") or payload.get("finding") or "")


def worsened(event: Event) -> bool:
    """A finding-changed event that raised the severity (one without the previous severity counts as worse)."""
    payload = event.payload
    before = payload.get("old_severity")
    return before is None or RANK.get(event.severity, 0) > RANK.get(str(before), 0)


def finding_severity(event: Event) -> str:
    """The severity of the finding an event is about (a cleared event is itself info: its finding's is kept)."""
    return str(event.payload.get("severity") or event.severity)


def wanted(event: Event, level: str = "warning") -> bool:
    """True for the events that run the alert command: a finding of at least `level` opened, worsened or cleared."""
    if event.kind not in ALERT_KINDS or RANK.get(finding_severity(event), 0) < RANK.get(level, 1):
        return False
    return event.kind != ev.FINDING_CHANGED or worsened(event)


class AlertRunner:
    """Runs the alert command for each wanted event, one at a time (`run()` is the worker; `offer()` queues)."""

    def __init__(self, command: str, target: str, repeat_s: float = DEFAULT_REPEAT_S,
                 timeout_s: float = DEFAULT_TIMEOUT_S, queue: int = QUEUE, level: str = "warning",
                 clock: Callable[[], float] = time.monotonic, log: TextIO | None = None) -> None:
        self.command = command
        self.level = level  # the least severe finding that alerts
        self.target = target
        self.repeat_s = repeat_s
        self.timeout_s = timeout_s
        self.clock = clock
        self.log = log
        self.dropped = 0  # queued alerts dropped because the queue was full
        self.suppressed = 0  # alerts not sent again within repeat_s
        self.sent = 0
        self.failed = 0
        self._queue: deque[Event] = deque(maxlen=queue)
        self._last: dict[tuple[str, str, str], float] = {}
        self._ready = asyncio.Event()
        self._busy = False

    def offer(self, event: Event) -> bool:
        """Queue `event` if it is an alert and not a repeat; True when queued."""
        if not wanted(event, self.level):
            return False
        key = (finding_id(event), event.node, event.kind)
        now = self.clock()
        last = self._last.get(key)
        if last is not None and now - last < self.repeat_s:
            self.suppressed += 1
            return False
        self._last[key] = now
        if len(self._queue) == self._queue.maxlen:
            self.dropped += 1
            self._say(f"alert queue full: dropped the oldest waiting alert ({self.dropped} dropped so far)")
        self._queue.append(event)
        self._ready.set()
        return True

    @property
    def idle(self) -> bool:
        """Nothing queued and nothing running."""
        return not self._queue and not self._busy

    async def run(self) -> None:
        """Run queued alerts one after another until cancelled."""
        while True:
            while not self._queue:
                self._ready.clear()
                await self._ready.wait()
            event = self._queue.popleft()
            self._busy = True
            try:
                await self.send(event)
            finally:
                self._busy = False

    async def drain(self, grace: float) -> None:
        """Wait up to `grace` seconds for the queued alerts to run (at a clean stop)."""
        deadline = time.monotonic() + grace
        while not self.idle and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    async def send(self, event: Event) -> bool:
        """Run the command once for `event`; True when it exited 0 within the timeout."""
        inherited = {k: v for k, v in os.environ.items() if k not in PRIVATE and not k.startswith("REDIS_TUI_")}
        env = {**inherited, "REDIS_TUI_EVENT": event.kind, "REDIS_TUI_FINDING": finding_id(event),
               "REDIS_TUI_SEVERITY": event.severity, "REDIS_TUI_NODE": event.node, "REDIS_TUI_TARGET": self.target}
        data = (json.dumps(event.to_json(), ensure_ascii=False, default=str) + "\n").encode()
        try:
            proc = await asyncio.create_subprocess_shell(
                self.command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE, env=env, start_new_session=True)
        except OSError as exc:
            self.failed += 1
            self._say(f"alert command could not start: {exc}")
            return False
        try:
            _, err = await asyncio.wait_for(proc.communicate(data), self.timeout_s)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 9)
            await proc.wait()
            self.failed += 1
            self._say(f"alert command killed after {self.timeout_s:g} s ({event.kind} {finding_id(event)})")
            return False
        if proc.returncode != 0:
            self.failed += 1
            tail = err.decode(errors="replace").strip().splitlines()[-1:] if err else []
            self._say(f"alert command exited {proc.returncode} ({event.kind} {finding_id(event)})"
                      + (f": {tail[0][:200]}" if tail else ""))
            return False
        self.sent += 1
        return True

    def _say(self, text: str) -> None:
        print(f"redis-tui record: {text}", file=self.log or sys.stderr, flush=True)
