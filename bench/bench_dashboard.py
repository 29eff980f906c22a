"""Dashboard benchmarks, side by side with redis-cli in the same run.

    python bench/bench_dashboard.py [--seconds 60] [--kind redis|valkey]

1. Launch to first painted frame with server data (target < 1 s), against
   `redis-cli INFO` (process start + connect + reply).
2. Over --seconds at the default interval against an idle server: the app's CPU (target
   < 3% of one core) and RSS, against `redis-cli --stat` (its closest twin: one INFO a
   second) watching another idle server at the same time.
3. Commands per second each sends in steady state, from INFO commandstats deltas
   (target <= 2 for redis-tui).

Each tool runs in a pseudo-terminal (the app needs one), on its own throwaway server so
commandstats tell their traffic apart.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time

import redis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from redis_tui.demo.server import EmbeddedServer  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def spawn_in_pty(argv: list[str], columns: int = 120, rows: int = 40) -> tuple[int, int]:
    """Start argv on a new pseudo-terminal; (pid, master fd)."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.environ["COLUMNS"], os.environ["LINES"] = str(columns), str(rows)
        os.environ.setdefault("TERM", "xterm-256color")
        try:
            import fcntl
            import struct
            import termios

            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        except OSError:
            pass
        os.execvp(argv[0], argv)
    return pid, fd


def drain(fd: int, seconds: float, needle: bytes | None = None) -> tuple[bytes, float | None, int]:
    """Read the terminal for `seconds` (keeps the app from blocking).

    Returns what was seen (only while looking for `needle`), when `needle` appeared, and
    how many bytes the program wrote to its terminal.
    """
    seen = b""
    found = None
    written = 0
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        written += len(chunk)
        if needle is not None and found is None:
            seen = (seen + chunk)[-200_000:]
            if needle in seen:
                found = time.monotonic()
                return seen, found, written
    return seen, found, written


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its reaped children, in seconds."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def commands_total(r: redis.Redis) -> int:
    stats = r.info("commandstats")
    return sum(v["calls"] for v in stats.values())


def stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def first_frame(server: EmbeddedServer, label: bytes, runs: int) -> tuple[list[float], list[float]]:
    app_times, cli_times = [], []
    for _ in range(runs):
        start = time.monotonic()
        pid, fd = spawn_in_pty([sys.executable, "-m", "redis_tui", server.url])
        _, found, _ = drain(fd, 15.0, needle=label)
        app_times.append((found or float("nan")) - start)
        stop(pid)
        os.close(fd)
        start = time.monotonic()
        subprocess.run(["redis-cli", "-p", str(server.port), "INFO"], capture_output=True, check=True)
        cli_times.append(time.monotonic() - start)
    return app_times, cli_times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="steady-state window (default 60)")
    parser.add_argument("--runs", type=int, default=5, help="first-frame launches to time (default 5)")
    parser.add_argument("--kind", default=None, help="redis or valkey (default: first found)")
    args = parser.parse_args()
    if not shutil.which("redis-cli"):
        sys.exit("redis-cli is needed on PATH for the side-by-side figures")

    with EmbeddedServer(args.kind) as app_server, EmbeddedServer(args.kind) as cli_server:
        info = redis.Redis(port=app_server.port).info("server")
        version = info.get("valkey_version") if app_server.kind == "valkey" else info["redis_version"]
        label = f"{app_server.kind.capitalize()} {version}".encode()
        print(f"# servers: {app_server.kind} {version}; python {sys.version.split()[0]}; {os.cpu_count()} cores")

        app_times, cli_times = first_frame(app_server, label, args.runs)
        app_med, cli_med = sorted(app_times)[len(app_times) // 2], sorted(cli_times)[len(cli_times) // 2]
        print(f"\n## launch to first frame with server data (median of {args.runs})")
        print(f"redis-tui      {app_med * 1000:8.0f} ms   (all: {', '.join(f'{t*1000:.0f}' for t in app_times)})")
        print(f"redis-cli INFO {cli_med * 1000:8.0f} ms")
        print(f"ratio          {app_med / cli_med:8.1f} x   target: redis-tui < 1000 ms -> "
              f"{'MET' if app_med < 1.0 else 'MISSED'}")

        app_r, cli_r = redis.Redis(port=app_server.port), redis.Redis(port=cli_server.port)
        app_pid, app_fd = spawn_in_pty([sys.executable, "-m", "redis_tui", app_server.url])
        drain(app_fd, 15.0, needle=label)
        cli_pid, cli_fd = spawn_in_pty(["redis-cli", "-p", str(cli_server.port), "--stat", "-i", "1"])
        drain(cli_fd, 3.0)  # let both settle into their steady state (first CLIENT LIST/CONFIG GET done)
        start = time.monotonic()
        app_cpu0, cli_cpu0 = cpu_seconds(app_pid), cpu_seconds(cli_pid)
        app_cmd0, cli_cmd0 = commands_total(app_r), commands_total(cli_r)
        deadline = start + args.seconds
        app_bytes = 0
        while time.monotonic() < deadline:
            app_bytes += drain(app_fd, 0.05)[2]
            drain(cli_fd, 0.05)
        elapsed = time.monotonic() - start
        app_cpu = (cpu_seconds(app_pid) - app_cpu0) / elapsed * 100
        cli_cpu = (cpu_seconds(cli_pid) - cli_cpu0) / elapsed * 100
        # minus the one `INFO commandstats` of our own in each window
        app_cmds = (commands_total(app_r) - app_cmd0 - 1) / elapsed
        cli_cmds = (commands_total(cli_r) - cli_cmd0 - 1) / elapsed
        app_rss, app_peak = rss_mb(app_pid), rss_mb(app_pid, "VmHWM")
        cli_rss = rss_mb(cli_pid)
        stop(app_pid)
        stop(cli_pid)

        print(f"\n## steady state over {elapsed:.0f} s, default interval, idle server")
        print(f"{'':16}{'CPU % of a core':>16}{'RSS MB':>10}{'peak MB':>10}{'commands/s':>12}")
        print(f"{'redis-tui':16}{app_cpu:16.2f}{app_rss:10.1f}{app_peak:10.1f}{app_cmds:12.2f}")
        print(f"{'redis-cli --stat':16}{cli_cpu:16.2f}{cli_rss:10.1f}{'':>10}{cli_cmds:12.2f}")
        print(f"{'ratio':16}{app_cpu / cli_cpu if cli_cpu else float('inf'):16.1f}{app_rss / cli_rss:10.1f}"
              f"{'':>10}{app_cmds / cli_cmds if cli_cmds else float('inf'):12.2f}")
        # what the app repaints, independent of how loaded the machine is
        print(f"redis-tui terminal output: {app_bytes / elapsed:.0f} bytes/s")
        print(f"targets: CPU < 3% -> {'MET' if app_cpu < 3 else 'MISSED'}; "
              f"commands/s <= 2 -> {'MET' if app_cmds <= 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
