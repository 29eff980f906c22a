"""MONITOR under load: `redis-tui monitor` against `redis-cli monitor`, side by side, same run.

A throwaway server (EmbeddedServer) takes `redis-benchmark -t set,get,incr -P 1 -c 50`
for --seconds while both monitors write to files. Both stop at the same moment the load
stops (no time to catch up: a monitor that fell behind loses its backlog). Prints the lines
each captured and the ratio (target >= 0.95), each monitor connection's peak output
buffer on the server (CLIENT LIST omem, sampled every 50 ms; target < 1 MB) and the
tool's peak RSS.

    python bench/bench_monitor.py [--seconds 10] [--kind redis] [--json | --screen]

--screen measures the MONITOR screen's core instead of the headless command: a process
that drives a MonitorSession the way the screen does (take() 30 times a second, keeping
the newest 200 lines parsed; stats() once a second) and counts the lines it saw.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from redis_tui.core import parse  # noqa: E402
from redis_tui.demo.server import EmbeddedServer  # noqa: E402


def rss_kb(pid: int) -> int:
    """Resident memory of a process, in KiB (0 when gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """Samples the monitors' omem (CLIENT LIST) and the tool's RSS until stopped."""

    def __init__(self, port: int, tool_pid: int) -> None:
        super().__init__(daemon=True)
        self.client = redis.Redis(port=port, protocol=2)
        self.client.set_response_callback("CLIENT LIST", lambda r, **_: r)
        self.tool_pid = tool_pid
        self.peak = {"redis-tui": 0, "redis-cli": 0}
        self.peak_rss = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            try:
                rows = parse.parse_client_list(self.client.execute_command("CLIENT LIST"))
            except redis.RedisError:
                continue
            for row in rows:
                if "O" in row.flags:
                    who = "redis-tui" if row.name == "redis-tui-monitor" else "redis-cli"
                    self.peak[who] = max(self.peak[who], row.omem)
            self.peak_rss = max(self.peak_rss, rss_kb(self.tool_pid))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def count_lines(path: Path) -> int:
    """Lines in a capture file, without redis-cli's leading OK."""
    with open(path, "rb") as handle:
        total = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return max(0, total - 1)


def wait_ok(path: Path, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes()[:3] == b"OK\n":
            return
        time.sleep(0.02)
    raise SystemExit(f"{path.name}: monitor did not start")


async def screen(port: int, ready: Path) -> None:
    """Drive a MonitorSession like the screen does; print the lines seen when stopped."""
    import asyncio

    from redis_tui.core.monitor.session import MonitorOptions, MonitorSession
    from redis_tui.core.target import Target

    session = MonitorSession(Target(port=port), MonitorOptions(max_duration_s=0))
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGINT, session.stop)
    task = asyncio.create_task(session.run())
    while session.state != "running":
        await asyncio.sleep(0.01)
    ready.write_bytes(b"OK\n")
    frame = 0
    while not task.done():
        await asyncio.sleep(1 / 30)
        session.take(limit=200)
        frame += 1
        if frame % 30 == 0:
            session.stats()
    await task
    print(session.stats().seen)


def main() -> int:
    if sys.argv[1:2] == ["--screen-worker"]:
        import asyncio

        asyncio.run(screen(int(sys.argv[2]), Path(sys.argv[3])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="load duration (default 10)")
    parser.add_argument("--kind", default="redis", help="redis or valkey (default redis)")
    parser.add_argument("--clients", type=int, default=50)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="run redis-tui monitor with --json (costs more)")
    mode.add_argument("--screen", action="store_true", help="measure the screen's core (MonitorSession + view)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-monitor-"))
    ours_path, theirs_path = work / "redis-tui.txt", work / "redis-cli.txt"
    with EmbeddedServer(args.kind) as server:
        port = str(server.port)
        with open(theirs_path, "wb") as theirs_out, open(ours_path, "wb") as ours_out:
            theirs = subprocess.Popen(["redis-cli", "-p", port, "monitor"], stdout=theirs_out)
            command = [sys.executable, "-m", "redis_tui", "monitor", "-p", port, "--duration", "0"]
            if args.screen:
                command = [sys.executable, __file__, "--screen-worker", port, str(ours_path)]
            ours = subprocess.Popen(command + (["--json"] if args.json else []), cwd=ROOT,
                                    stdout=subprocess.PIPE if args.screen else ours_out, stderr=subprocess.PIPE)
            wait_ok(theirs_path)
            if args.json:
                time.sleep(1.0)
            else:
                wait_ok(ours_path)
            sampler = Sampler(server.port, ours.pid)
            sampler.start()
            load = subprocess.Popen(
                ["redis-benchmark", "-p", port, "-t", "set,get,incr", "-P", "1", "-c", str(args.clients),
                 "-n", "100000", "-l", "-r", "100000", "-q", "--csv"],  # -l: SET, GET, INCR, SET...
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            started = time.monotonic()
            cpu_start = cpu_seconds(ours.pid)
            time.sleep(args.seconds)
            os.killpg(load.pid, signal.SIGKILL)
            load.wait()
            elapsed = time.monotonic() - started
            cpu = cpu_seconds(ours.pid) - cpu_start
            ours.send_signal(signal.SIGINT)  # both stop now: no time to catch up
            theirs.terminate()
            out, err = ours.communicate(timeout=60)
            theirs.wait(10)
            sampler.done.set()
            sampler.join()
            server_cmds = int(redis.Redis(port=server.port).info("stats")["total_commands_processed"])
    theirs_lines = count_lines(theirs_path)
    ours_lines = int(out.split()[-1]) if args.screen else count_lines(ours_path)
    if args.json:
        ours_lines += 1  # no OK line in JSON mode
    ratio = ours_lines / theirs_lines if theirs_lines else 0.0
    mb = 1024 * 1024
    print(f"load: redis-benchmark -t set,get,incr -P 1 -c {args.clients} for {elapsed:.1f} s against {args.kind}; "
          f"server processed {server_cmds:,} commands")
    print(f"redis-cli monitor : {theirs_lines:>11,} lines ({theirs_lines / elapsed:,.0f}/s), "
          f"peak omem {sampler.peak['redis-cli'] / mb:.2f} MB")
    print(f"redis-tui monitor : {ours_lines:>11,} lines ({ours_lines / elapsed:,.0f}/s), "
          f"peak omem {sampler.peak['redis-tui'] / mb:.2f} MB, peak RSS {sampler.peak_rss / 1024:.1f} MB, "
          f"CPU {100 * cpu / elapsed:.0f}% of a core"
          f"{' (--json)' if args.json else ''}{' (screen core: lines seen)' if args.screen else ''}")
    verdict = "OK" if ratio >= 0.95 else "BELOW TARGET"
    print(f"ratio redis-tui / redis-cli: {ratio:.3f} (target >= 0.95: {verdict}); "
          f"omem target < 1 MB: {'OK' if sampler.peak['redis-tui'] < mb else 'ABOVE'}")
    if ours.returncode != 0:
        print(f"redis-tui exited {ours.returncode}: {err.decode(errors='replace').strip()}")
    for path in (ours_path, theirs_path):
        path.unlink()
    work.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
