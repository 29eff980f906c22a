"""Benchmark: `redis-tui monitor` on a 3-primary cluster under `redis-benchmark --cluster` vs redis-cli.

Starts a local cluster (3 primaries, no replicas); in the same run, while
``redis-benchmark --cluster`` sends SET/GET to every primary, captures the stream with
``redis-tui monitor`` (one merged stream) and with one ``redis-cli monitor`` per primary,
then prints the lines each captured and the ratio (target: redis-tui ≥ 0.95 × the sum of
redis-cli's), and whether redis-tui's lines are in timestamp order.

Usage: python bench/bench_cluster_monitor.py [--requests 300000] [--clients 50] [--kind redis|valkey]
Run from the repository root. Needs redis-cli and redis-benchmark on PATH.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redis_tui.demo.cluster import LocalCluster  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def lines_of(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().splitlines() if line and line != b"OK"]


def wait_ok(path: Path, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.read_bytes().startswith(b"OK") and time.monotonic() < deadline:
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--kind", choices=("redis", "valkey"), default=None)
    args = parser.parse_args()
    if not (shutil.which("redis-cli") and shutil.which("redis-benchmark")):
        sys.exit("needs redis-cli and redis-benchmark on PATH")
    with LocalCluster(args.kind, primaries=3, replicas=0).start() as cluster, \
            tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ours_path = folder / "ours.txt"
        theirs_paths = [folder / f"cli-{n.port}.txt" for n in cluster.primaries]
        files = [open(p, "wb") for p in (ours_path, *theirs_paths)]  # noqa: SIM115 - closed below
        try:
            theirs = [subprocess.Popen(["redis-cli", "-p", str(n.port), "monitor"], stdout=f)
                      for n, f in zip(cluster.primaries, files[1:], strict=True)]
            ours = subprocess.Popen([sys.executable, "-m", "redis_tui", "monitor", "-p", str(cluster.nodes[0].port),
                                     "--duration", "0"], cwd=ROOT, stdout=files[0], stderr=subprocess.PIPE)
            for path in (ours_path, *theirs_paths):
                wait_ok(path)
            time.sleep(0.5)
            started = time.monotonic()
            bench = subprocess.run(["redis-benchmark", "--cluster", "-p", str(cluster.nodes[0].port), "-t", "set,get",
                                    "-n", str(args.requests), "-c", str(args.clients), "-q"],
                                   check=True, capture_output=True, text=True)
            took = time.monotonic() - started
            time.sleep(1.5)  # let every reader catch up
            ours.send_signal(signal.SIGINT)
            _, err = ours.communicate(timeout=60)
            for proc in theirs:
                proc.terminate()
                proc.wait(10)
        finally:
            for f in files:
                f.close()
        mine = lines_of(ours_path)
        reference = sum(len(lines_of(p)) for p in theirs_paths)
        stamps = [float(line.split(b" ", 2)[1]) for line in mine]
        backs = [a - b for a, b in zip(stamps, stamps[1:], strict=False) if b < a]
        print(f"{cluster.kind}: redis-benchmark --cluster {args.requests:,} requests in {took:.1f} s "
              f"({reference / took:,.0f} commands/s over 3 primaries)")
        print("redis-benchmark: " + " | ".join(line.split("\r")[-1].strip() for line in bench.stdout.splitlines()
                                                if "requests per second" in line))
        print(f"redis-tui monitor (merged):          {len(mine):>10,} lines; out of timestamp order: {len(backs):,} "
              f"steps back ({100 * len(backs) / max(1, len(mine)):.3f} %), the largest "
              f"{1000 * max(backs, default=0.0):.1f} ms")
        print(f"redis-cli monitor, one per primary:  {reference:>10,} lines")
        print(f"ratio: {len(mine) / max(1, reference):.3f} (target >= 0.95)")
        print(err.decode().strip())


if __name__ == "__main__":
    main()
