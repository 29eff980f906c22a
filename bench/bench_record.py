"""`redis-tui record`: storage per day, the encodings measured, jumping in a day-long file, and its cost.

    python bench/bench_record.py [--seconds 300] [--compare-seconds 20] [--jumps 20] [--skip-storage]
                                 [--skip-jump] [--skip-cost]

storage  the recorder (`python -m redis_tui record URL --interval 1`, a subprocess) on a throwaway server
         playing `--demo`'s workload for `--seconds` (default 5 minutes; the issue asks for an hour: the
         size per snapshot is flat after the first keyframes, so a day is extrapolated from the run, and
         `--seconds 3600` runs the hour). Prints bytes per snapshot and MB per day at 1 s (target ≤ 50 MB),
         the recorder's CPU over the run after its first 5 s (% of one core; target ≤ 2 %), and the same
         snapshots re-encoded each way considered: zlib and lzma of every whole snapshot, keyframe + delta
         (from the keyframe or from the snapshot before; the keyframe and the delta before as zlib dictionary
         or not; integers whole or as differences), keyframes every 30/60/300 snapshots.
jump     a synthetic 24-hour recording (86,400 snapshots at 1 s, each the demo's last snapshot with its
         counters moved on), then `--jumps` times: open the file afresh and rebuild the moment at a random
         time (target ≤ 200 ms). Written in batches of 3,600 per transaction to build it quickly (the
         recorder commits every interval; the file is the same).
cost     commands per second the server runs for the recorder vs the dashboard's `Poller` alone, each
         `--compare-seconds` on an idle server at the default 1 s interval (same: the same poller).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import lzma
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import redis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from redis_tui.core.models import Snapshot  # noqa: E402
from redis_tui.core.poller import Poller  # noqa: E402
from redis_tui.core.record import Recording, RecordingWriter, codec  # noqa: E402
from redis_tui.core.target import Target  # noqa: E402
from redis_tui.demo.run import DEMO_CONFIG, start_workload  # noqa: E402
from redis_tui.demo.server import EmbeddedServer  # noqa: E402

DAY = 86_400


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def record(url: str, out: Path, seconds: float, interval: float = 1.0) -> float:
    """Run the recorder for `seconds`; its CPU share of one core after its first 5 s (start-up)."""
    proc = subprocess.Popen([sys.executable, "-m", "redis_tui", "record", url, "--out", str(out),
                             "--interval", str(interval)], stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    time.sleep(5)
    cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
    time.sleep(max(1.0, seconds - 5))
    cpu1, t1 = cpu_seconds(proc.pid), time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    return 100.0 * (cpu1 - cpu0) / (t1 - t0)


def documents(path: Path) -> list[codec.Doc]:
    """Every snapshot document of a one-server recording, in order."""
    rec = Recording.open(path)
    docs = []
    dictionary = previous = b""
    for kind, blob in rec.conn.execute("SELECT kind, blob FROM snapshots ORDER BY t, id"):
        if kind == 0:
            doc, dictionary = codec.decode_key(blob)
            docs.append(doc)
            previous = b""
        elif kind == 1:
            delta, previous = codec.decode_delta(blob, dictionary, previous)
            docs.append(codec.patch(docs[-1], delta))
    rec.close()
    return docs


def keyframe_delta_sizes(docs: list[codec.Doc], every: int, dictionary: bool = True, chain: bool = True,
                         fields: bool = True, shape: bool = True) -> int:
    """Bytes for `docs` stored as a keyframe every `every` and deltas: from the snapshot before (`chain`) or from
    the keyframe, compressed with the keyframe (and the delta before: `shape`) as dictionary or not, integers
    as differences (`fields`) or not."""
    total = 0
    saved = codec.field_change
    if not fields:
        codec.field_change = lambda old, new: new  # type: ignore[assignment]
    try:
        for i, doc in enumerate(docs):
            if i % every == 0:
                key = doc
                blob, zdict = codec.encode_key(doc)
                previous = b""
            else:
                delta = codec.diff(docs[i - 1] if chain else key, doc)
                if dictionary:
                    blob, plain = codec.encode_delta(delta, zdict, previous)
                    previous = plain if shape else b""
                else:
                    blob = zlib.compress(codec.dumps(delta), 6)
            total += len(blob)
    finally:
        codec.field_change = saved
    return total


def storage(seconds: float) -> None:
    print(f"== storage: the demo workload recorded for {seconds:g} s at 1 s, a day extrapolated")
    server = EmbeddedServer(config=DEMO_CONFIG).start()
    workload = start_workload(server)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "demo.rec"
            time.sleep(3)  # the workload seeds its data
            cpu = record(server.url, out, seconds)
            size = out.stat().st_size
            rec = Recording.open(out)
            count = rec.conn.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0]
            events = rec.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            clients = rec.at(rec.end or 0)[""]
            rec.close()
            per = size / max(count, 1)
            print(f"file {size / 1e6:.2f} MB, {count} snapshots, {events} events; "
                  f"{per:.0f} bytes per snapshot (file, indexes included) → {per * DAY / 1e6:.1f} MB/day "
                  f"(target ≤ 50)")
            if isinstance(clients, Snapshot):
                print(f"  (the server: {clients.clients.connected} clients, "
                      f"{len(clients.info.get('commandstats', {}))} commandstats lines, "
                      f"{sum(len(s) for s in clients.info.values())} INFO fields)")
            print(f"recorder CPU: {cpu:.2f} % of one core (target ≤ 2 %)")
            docs = documents(out)
            plain = sum(len(codec.dumps(d)) for d in docs) / len(docs)
            print(f"\nencodings of the same {len(docs)} snapshots (plain JSON {plain:.0f} bytes each): "
                  "bytes per snapshot, MB/day at 1 s")
            rows = [
                ("zlib-6, whole snapshot", sum(len(zlib.compress(codec.dumps(d), 6)) for d in docs)),
                ("lzma, whole snapshot", sum(len(lzma.compress(codec.dumps(d))) for d in docs)),
                ("key/60, delta from the keyframe, keyframe dict", keyframe_delta_sizes(docs, 60, chain=False)),
                ("key/60, delta from the one before, no dictionary", keyframe_delta_sizes(docs, 60, False)),
                ("key/60, delta from the one before, keyframe dict", keyframe_delta_sizes(docs, 60, shape=False)),
                ("key/60, ... + delta before as dict, values whole", keyframe_delta_sizes(docs, 60, fields=False)),
                ("key/30, ... + delta before as dict", keyframe_delta_sizes(docs, 30)),
                ("key/60, ... + delta before as dict", keyframe_delta_sizes(docs, 60)),
                ("key/300, ... + delta before as dict (chosen)", keyframe_delta_sizes(docs, 300)),
            ]
            for name, total in rows:
                each = total / len(docs)
                print(f"  {name:55} {each:7.0f} B  {each * DAY / 1e6:7.1f} MB/day")
    finally:
        workload.terminate()
        server.close()


def moved_on(base: Snapshot, i: int, rng: random.Random) -> Snapshot:
    """`base` `i` seconds later: counters and gauges moved as a busy server's do."""
    info = {section: dict(fields) for section, fields in base.info.items()}
    stats, memory, server = info.get("stats", {}), info.get("memory", {}), info.get("server", {})
    for name, per_s in (("total_commands_processed", 900), ("keyspace_hits", 500), ("keyspace_misses", 120),
                        ("total_net_input_bytes", 60_000), ("total_net_output_bytes", 240_000),
                        ("expired_keys", 3), ("total_connections_received", 1)):
        if name in stats:
            stats[name] = str(int(stats[name]) + per_s * i + rng.randrange(per_s or 1))
    stats["instantaneous_ops_per_sec"] = str(800 + rng.randrange(200))
    if "used_memory" in memory:
        memory["used_memory"] = str(int(memory["used_memory"]) + rng.randrange(-50_000, 50_000))
    if "uptime_in_seconds" in server:
        server["uptime_in_seconds"] = str(int(server["uptime_in_seconds"]) + i)
    for name, line in list(info.get("commandstats", {}).items())[:8]:
        parts = dict(p.split("=", 1) for p in line.split(","))
        parts["calls"] = str(int(parts.get("calls", "0")) + 100 * i)
        parts["usec"] = str(int(parts.get("usec", "0")) + 150 * i)
        info["commandstats"][name] = ",".join(f"{k}={v}" for k, v in parts.items())
    return dataclasses.replace(base, taken_at=base.taken_at + i, info=info)


def jump(jumps: int, keep: str | None = None) -> None:
    print("\n== jump: a synthetic 24-hour recording (86,400 snapshots at 1 s)")
    if keep and Path(keep).exists():
        print(f"(the file built before: {keep})")
        time_jumps(Path(keep), jumps, random.Random(2))
        return
    server = EmbeddedServer(config=DEMO_CONFIG).start()
    workload = start_workload(server)
    try:
        time.sleep(4)
        poller = Poller(Target(port=server.port))
        base = asyncio.run(poller.poll())
        asyncio.run(poller.close())
    finally:
        workload.terminate()
        server.close()
    assert isinstance(base, Snapshot)
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(keep) if keep else Path(tmp) / "day.rec"
        writer = RecordingWriter(out, ["redis://127.0.0.1:6379/0"], 1.0)
        started = time.perf_counter()
        for i in range(DAY):
            writer.add("", moved_on(base, i, rng))
            if i % 3600 == 3599:
                writer.commit()
        writer.close()
        print(f"built in {time.perf_counter() - started:.0f} s: {out.stat().st_size / 1e6:.1f} MB")
        time_jumps(out, jumps, rng)


def time_jumps(path: Path, jumps: int, rng: random.Random) -> None:
    """Open `path` afresh `jumps` times and rebuild a random moment; print the times."""
    probe = Recording.open(path)
    start, end = probe.start or 0.0, probe.end or 0.0
    probe.close()
    seek, whole, view = [], [], []
    for _ in range(jumps):
        t = rng.uniform(start, end)
        began = time.perf_counter()
        rec = Recording.open(path)
        moment = rec.at(t)[""]
        sought = time.perf_counter()
        rec.overview(200)
        viewed = time.perf_counter()
        rec.close()
        assert isinstance(moment, Snapshot) and moment.taken_at <= t and moment.rates.ops is not None
        seek.append((sought - began) * 1000)
        view.append((viewed - sought) * 1000)
        whole.append((viewed - began) * 1000)
    for name, times in (("open + the moment at a random time (rates, 300 points of history)", seek),
                        ("the 200-column overview of the day", view), ("both", whole)):
        print(f"{name}: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
    print("(target: open + jump ≤ 200 ms)")


def commands_per_second(port: int, seconds: float, run) -> float:
    client = redis.Redis(port=port)
    before = int(client.info("stats")["total_commands_processed"])
    run()
    after = int(client.info("stats")["total_commands_processed"])
    client.close()
    return (after - before - 1) / seconds  # less our own first INFO


def cost(seconds: float) -> None:
    print(f"\n== cost on the server: commands/s, {seconds:g} s each on an idle server at 1 s")
    server = EmbeddedServer().start()
    try:
        async def poll_alone() -> None:
            poller = Poller(Target(port=server.port))
            task = asyncio.create_task(poller.run(lambda update: None))
            await asyncio.sleep(seconds)
            task.cancel()

        dashboard = commands_per_second(server.port, seconds, lambda: asyncio.run(poll_alone()))
        with tempfile.TemporaryDirectory() as tmp:
            def recorder() -> None:
                subprocess.run([sys.executable, "-m", "redis_tui", "record", server.url, "--out",
                                str(Path(tmp) / "idle.rec"), "--duration", str(seconds)],
                               stdout=subprocess.DEVNULL, check=True)

            recorded = commands_per_second(server.port, seconds, recorder)
        print(f"dashboard's poller: {dashboard:.2f} commands/s; recorder: {recorded:.2f} commands/s "
              f"(the recorder also sends one CLIENT INFO, one CLIENT SETNAME per connection and a cluster probe "
              f"at start)")
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--compare-seconds", type=float, default=20.0)
    parser.add_argument("--jumps", type=int, default=20)
    parser.add_argument("--skip-storage", action="store_true")
    parser.add_argument("--skip-jump", action="store_true")
    parser.add_argument("--skip-cost", action="store_true")
    parser.add_argument("--keep", metavar="PATH", help="keep the synthetic day here (and reuse it if it exists)")
    args = parser.parse_args()
    if not args.skip_storage:
        storage(args.seconds)
    if not args.skip_jump:
        jump(args.jumps, args.keep)
    if not args.skip_cost:
        cost(args.compare_seconds)


if __name__ == "__main__":
    main()
