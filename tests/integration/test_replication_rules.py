"""A real master and replica: a replica paused while writes go on is ``replica-lagging``; when it comes back
after more writes than the backlog holds, its full resync is ``replication-backlog-too-small``."""

from __future__ import annotations

import asyncio
import time

import redis

from redis_tui.core.diagnosis.diagnose import Diagnoser
from redis_tui.core.models import Snapshot
from redis_tui.core.poller import Poller
from redis_tui.core.target import Target

BACKLOG = 1024 * 1024
WRITTEN = 16 * BACKLOG  # more than the kernel's socket buffers hold: the rest waits in the master


def wait(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def replication(port: int) -> dict:
    return redis.Redis(port=port).info("replication") | redis.Redis(port=port).info("stats")


def test_a_paused_replica_lags_and_coming_back_past_the_backlog_is_a_full_resync(server_factory):
    master = server_factory(config={"repl-backlog-size": str(BACKLOG), "repl-diskless-sync-delay": "0"})
    replica = server_factory(config={"replicaof": f"127.0.0.1 {master.port}"})
    wait(lambda: replication(replica.port).get("master_link_status") == "up"
         and replication(master.port).get("slave0", {}).get("state") == "online")
    target = Target(host="127.0.0.1", port=master.port)
    replica_addr = f"127.0.0.1:{replica.port}"
    writer = redis.Redis(port=master.port)

    async def go() -> tuple[list, list]:
        poller, diagnoser = Poller(target), Diagnoser(target)
        try:
            first = await poller.poll()
            assert isinstance(first, Snapshot)
            assert not [f for f in diagnoser.update(first) if f.id.startswith(("replica-", "replication-"))]
            replica.freeze()
            pipe = writer.pipeline(transaction=False)
            for i in range(48):  # what the paused replica does not acknowledge
                pipe.set(f"big:{i}", b"x" * (WRITTEN // 48))
            pipe.execute()
            await asyncio.sleep(2.2)  # a healthy replica acknowledges every second
            lagging = diagnoser.update(await poller.poll())
            writer.execute_command("CLIENT", "KILL", "TYPE", "replica")  # the link drops while it is paused
            replica.thaw()
            await asyncio.to_thread(wait, lambda: replication(master.port)["sync_full"] >= 2
                                    and replication(replica.port).get("master_link_status") == "up")
            resynced = diagnoser.update(await poller.poll())
            return list(lagging), list(resynced)
        finally:
            await poller.close()

    lagging, resynced = asyncio.run(go())
    found = {f.id: f for f in lagging}
    assert "replica-lagging" in found, [f.id for f in lagging]
    finding = found["replica-lagging"]
    assert finding.node == replica_addr and finding.severity == "warning"
    assert finding.evidence["lag_bytes"] >= WRITTEN and finding.evidence["seconds_since_ack"] >= 2
    assert f"redis-cli -h 127.0.0.1 -p {replica.port} INFO replication" in finding.hints[0]
    found = {f.id: f for f in resynced}
    assert "replication-backlog-too-small" in found, [f.id for f in resynced]
    finding = found["replication-backlog-too-small"]
    assert finding.evidence["sync_full_in_window"] == 1 and finding.evidence["sync_partial_err_in_window"] == 1
    assert finding.evidence["repl_backlog_size"] == BACKLOG
    assert f"CONFIG SET repl-backlog-size {finding.evidence['suggested_repl_backlog_size'] // BACKLOG}mb" in \
        finding.hints[1]
