"""Benchmark: how many polls the dashboard takes to show a killed primary, and its replica's promotion.

Targets of the Cluster issue: "a killed primary is shown down within 2 polls; the failover is shown
within 2 polls of the replica's promotion". Starts a local cluster (3 primaries + 3 replicas) and runs
the dashboard's source as the app does (`ClusterSource` over a `ClusterPoller` at `--interval`, with
the `ClusterDiagnoser`), then `--trials` times:

1. SIGKILLs the primary of the next shard (at a random moment between two polls), and counts the
   polls (rounds the source hands the app after the kill) until one shows the node down (no answer,
   or flagged ``fail``/``fail?``);
2. watches the shard's replica the way redis-cli would (``ROLE`` on the replica itself, every
   10 ms) to time its promotion, and counts the polls after it until the source gives
   ``cluster-failover`` naming the old and the new primary;
3. beside it, in the same run, ``redis-cli -p PORT cluster nodes`` on a surviving primary every
   50 ms: when it first shows the killed node ``fail?`` and ``fail``;

then restarts the killed node (it comes back as a replica) and waits until the cluster and the
source are healthy again (and, before killing a shard's primary a second time, until the first
failover of that shard has left the 60 s diagnosis window). Prints each trial and min / median /
max in polls and ms.

Usage: python bench/bench_cluster_failure.py [--trials 6] [--interval 1] [--node-timeout-ms 1000]
       [--kind redis|valkey]
Run from the repository root. Needs redis-cli on PATH for part 3.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redis_tui.core.diagnosis.cluster import ClusterDiagnoser  # noqa: E402
from redis_tui.core.diagnosis.thresholds import Thresholds  # noqa: E402
from redis_tui.core.models import Outage  # noqa: E402
from redis_tui.core.nodes import Node  # noqa: E402
from redis_tui.core.target import Target  # noqa: E402
from redis_tui.core.topology import ClusterPoller  # noqa: E402
from redis_tui.core.topology.source import ClusterRound, ClusterSource  # noqa: E402
from redis_tui.demo.cluster import LocalCluster, command  # noqa: E402
from redis_tui.demo.server import EmbeddedServer  # noqa: E402

TIMEOUT = 30.0


@dataclass
class Trial:
    """One kill: when things happened (time.monotonic) and how many polls the source took."""

    victim: str
    replica: str
    killed: float = 0.0
    promoted: float | None = None
    down_polls: int | None = None
    down_at: float | None = None
    failover_polls: int | None = None
    failover_at: float | None = None
    cli_pfail: float | None = None  # redis-cli cluster nodes first shows fail? / fail
    cli_fail: float | None = None


@dataclass
class Rounds:
    """Every round the source handed over, with the time it did."""

    seen: list[tuple[float, ClusterRound]] = field(default_factory=list)
    event: asyncio.Event = field(default_factory=asyncio.Event)

    def emit(self, update: ClusterRound) -> None:
        self.seen.append((time.monotonic(), update))
        self.event.set()

    def after(self, since: float) -> list[tuple[float, ClusterRound]]:
        return [(at, r) for at, r in self.seen if at > since]

    async def wait(self, predicate: Callable[[ClusterRound], bool], since: float, what: str,
                   timeout: float = TIMEOUT) -> tuple[int, float]:
        """(polls after `since` until one satisfies `predicate`, when it came)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for count, (at, update) in enumerate(self.after(since), 1):
                if predicate(update):
                    return count, at
            self.event.clear()
            try:
                await asyncio.wait_for(self.event.wait(), max(0.01, deadline - time.monotonic()))
            except TimeoutError:
                break
        raise TimeoutError(f"the source never showed {what}")


def shown_down(update: ClusterRound, addr: str) -> bool:
    """The node is a red row: it did not answer, or the cluster flags it failing."""
    node = update.round.topology.node(addr)
    return isinstance(update.round.updates.get(addr), Outage) or (node is not None and node.failing)


def failover_shown(update: ClusterRound, old: str, new: str) -> bool:
    return any(f.id == "cluster-failover" and f.evidence.get("old") == old and f.evidence.get("new") == new
               for f in update.findings)


def healthy(update: ClusterRound, nodes: int) -> bool:
    return (update.nodes_up == nodes and update.round.topology.state == "ok"
            and len(update.round.topology.nodes) == nodes
            and not any(n.failing for n in update.round.topology.nodes)
            and not any(f.id == "cluster-node-failing" for f in update.findings))


def watch_role(port: int, stop: threading.Event, trial: Trial) -> None:
    """ROLE on the replica every 10 ms, as `redis-cli -p PORT role` would ask it: when it says master."""
    client = redis.Redis(port=port, socket_timeout=1.0)
    while not stop.is_set():
        try:
            if command(client, "ROLE")[0] in (b"master", "master"):
                trial.promoted = time.monotonic()
                return
        except redis.RedisError:
            pass
        time.sleep(0.01)


def watch_cli(port: int, victim: str, stop: threading.Event, trial: Trial) -> None:
    """`redis-cli -p PORT cluster nodes` every 50 ms: when the victim's line first says fail? and fail."""
    while not stop.is_set() and trial.cli_fail is None:
        out = subprocess.run(["redis-cli", "-p", str(port), "cluster", "nodes"], capture_output=True, text=True,
                             check=False).stdout
        now = time.monotonic()
        for line in out.splitlines():
            parts = line.split()
            if len(parts) > 2 and parts[1].split("@")[0] == victim:
                flags = set(parts[2].split(","))
                if "fail?" in flags and trial.cli_pfail is None:
                    trial.cli_pfail = now
                if "fail" in flags:
                    trial.cli_pfail = trial.cli_pfail or now
                    trial.cli_fail = now
        time.sleep(0.05)


def server_at(cluster: LocalCluster, addr: str) -> EmbeddedServer:
    return next(n for n in cluster.nodes if cluster.addr(n) == addr)


async def one_trial(cluster: LocalCluster, rounds: Rounds, shard: int, use_cli: bool, interval: float) -> Trial:
    nodes = len(cluster.nodes)
    await rounds.wait(lambda u: healthy(u, nodes), time.monotonic(), "a healthy cluster")
    await rounds.wait(lambda u: healthy(u, nodes), time.monotonic(), "a healthy cluster")  # two in a row
    topology = rounds.seen[-1][1].round.topology
    primaries = sorted((p for p in topology.primaries if p.slots), key=lambda p: p.slots[0])
    victim: Node = primaries[shard % len(primaries)]
    replica = topology.replicas_of(victim)[0]
    survivor = next(p for p in primaries if p is not victim)
    # each cluster-failover finding stays for the diagnosis window: wait until the move that made the
    # victim primary has left it, so the finding measured below is this trial's alone
    window = Thresholds().window_s
    await rounds.wait(lambda u: not any(f.id == "cluster-failover" and f.evidence.get("new") == victim.addr
                                        for f in u.findings), time.monotonic(), "the window clear", window + TIMEOUT)
    trial = Trial(victim.addr, replica.addr)
    stop = threading.Event()
    role = threading.Thread(target=watch_role, args=(int(replica.addr.rpartition(":")[2]), stop, trial), daemon=True)
    cli = threading.Thread(target=watch_cli, args=(int(survivor.addr.rpartition(":")[2]), victim.addr, stop, trial),
                           daemon=True)
    role.start()
    if use_cli:
        cli.start()
    server = server_at(cluster, victim.addr)
    await asyncio.sleep(random.uniform(0, interval))  # anywhere between two polls, not just after one
    trial.killed = time.monotonic()
    await asyncio.to_thread(cluster.kill, server)
    try:
        trial.down_polls, trial.down_at = await rounds.wait(lambda u: shown_down(u, victim.addr), trial.killed,
                                                            f"{victim.addr} down")
        deadline = time.monotonic() + TIMEOUT
        while trial.promoted is None and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        if trial.promoted is None:
            raise TimeoutError(f"{replica.addr} was never promoted")
        trial.failover_polls, trial.failover_at = await rounds.wait(
            lambda u: failover_shown(u, victim.addr, replica.addr), trial.promoted, "cluster-failover")
        deadline = time.monotonic() + 5
        while use_cli and trial.cli_fail is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.to_thread(cluster.restart, server)
        await asyncio.to_thread(cluster.wait_healthy, TIMEOUT)
    return trial


def ms(value: float | None) -> str:
    return "-" if value is None else f"{1000 * value:,.0f}"


def polls(values: list[int | None]) -> str:
    """``min 1 / median 1 / max 2 polls`` (a trial that never showed it counts as missing)."""
    got = [v for v in values if v is not None]
    if not got:
        return "none"
    missing = f" ({len(values) - len(got)} never)" if len(got) < len(values) else ""
    return f"min {min(got)} / median {statistics.median(got):g} / max {max(got)} polls{missing}"


def millis(values: list[float | None]) -> str:
    """``min 12 / median 340 / max 900 ms`` of durations in seconds."""
    got = [v for v in values if v is not None]
    if not got:
        return "none"
    return f"min {ms(min(got))} / median {ms(statistics.median(got))} / max {ms(max(got))} ms"


async def run(args: argparse.Namespace) -> None:
    use_cli = shutil.which("redis-cli") is not None
    with LocalCluster(args.kind, primaries=3, replicas=1, node_timeout_ms=args.node_timeout_ms).start() as cluster:
        seed = Target(host="127.0.0.1", port=cluster.nodes[0].port)
        source = ClusterSource(ClusterPoller(seed, interval=args.interval), ClusterDiagnoser(seed))
        rounds = Rounds()
        task = asyncio.create_task(source.run(rounds.emit))
        trials: list[Trial] = []
        try:
            for number in range(args.trials):
                trial = await one_trial(cluster, rounds, number, use_cli, args.interval)
                trials.append(trial)
                print(f"trial {number + 1}: killed {trial.victim}: shown down after {trial.down_polls} poll(s), "
                      f"{ms(_since(trial.down_at, trial.killed))} ms; {trial.replica} promoted "
                      f"{ms(_since(trial.promoted, trial.killed))} ms after the kill, cluster-failover shown "
                      f"{trial.failover_polls} poll(s), {ms(_since(trial.failover_at, trial.promoted))} ms "
                      f"after that; redis-cli cluster nodes: fail? at {ms(_since(trial.cli_pfail, trial.killed))} ms, "
                      f"fail at {ms(_since(trial.cli_fail, trial.killed))} ms", flush=True)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    kind = cluster.kind
    print(f"\n{kind}, 3 primaries + 3 replicas, cluster-node-timeout {args.node_timeout_ms} ms, "
          f"poll interval {args.interval:g} s, {len(trials)} trials:")
    print(f"  killed primary shown down:             {polls([t.down_polls for t in trials])}, "
          f"{millis([_since(t.down_at, t.killed) for t in trials])} after the kill")
    print(f"  failover shown after the promotion:    {polls([t.failover_polls for t in trials])}, "
          f"{millis([_since(t.failover_at, t.promoted) for t in trials])} after ROLE says master")
    print(f"  replica promoted (ROLE on the replica): {millis([_since(t.promoted, t.killed) for t in trials])} "
          "after the kill")
    if use_cli:
        print(f"  redis-cli cluster nodes shows fail?:   {millis([_since(t.cli_pfail, t.killed) for t in trials])} "
              "after the kill")
        print(f"  redis-cli cluster nodes shows fail:    {millis([_since(t.cli_fail, t.killed) for t in trials])} "
              "after the kill")
    print("targets: shown down within 2 polls; failover shown within 2 polls of the promotion")


def _since(value: float | None, start: float | None) -> float | None:
    return None if value is None or start is None else value - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=6)
    parser.add_argument("--interval", type=float, default=1.0, help="poll interval in seconds (the app's default 1)")
    parser.add_argument("--node-timeout-ms", type=int, default=1000,
                        help="cluster-node-timeout of the nodes (Redis's default is 15000)")
    parser.add_argument("--kind", choices=("redis", "valkey"), default=None)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
