"""Long sessions: the app's memory over minutes of MONITOR at full rate, or of a dashboard polling fast.

    python bench/bench_long_session.py [--screen monitor|dashboard] [--minutes 10] [--hour]
                                       [--sample 10] [--pipeline 4] [--interval 0.05] [--kind redis]
                                       [--delimiter ":"] [--app-dir DIR]

monitor    the real app (`python -m redis_tui URL`, in a 120×40 pty) on the MONITOR screen (`m`, `s`;
           `[monitor] max_duration_s = 0` from a throwaway config file, so it runs until the end)
           against a throwaway server driven flat out by `redis-benchmark -t set,get,incr -c 50
           -P <pipeline> -r 100000` (keys drawn from 100,000, all under the prefix `key:`; with
           `--delimiter "|"` every key is its own prefix: 100,000 of them, the aggregates' worst case).
           Target (issue 14): RSS growth ≤ 20 MB after the first minute over 60 minutes at ~100k lines/s.
dashboard  the dashboard at `--interval 0.05` (20 polls a second: 10 minutes ≈ 12,000 polls, a
           day's worth at the default interval is 86,400) against a server playing `--demo`'s workload.

Every `--sample` seconds it prints the app's RSS and the rate the server ran commands (each
one is a MONITOR line) and, for scale, the RSS of `redis-cli monitor` (or `redis-cli --stat`)
watching the same server in the same run. At the end: RSS after the first minute, growth since,
the slope of a least-squares line through the samples after the first minute and through the last
third of them, and the growth over an hour: what was measured plus the last third's pace for the
minutes left (the first minutes fill caches and windows that then stay full, so the slope over the
whole run overstates the end). `--hour` runs the full 60 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import redis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

from bench_bandwidth import Pty, app_env, pump  # noqa: E402
from bench_dashboard import cpu_seconds, rss_mb  # noqa: E402

from redis_tui.core import parse  # noqa: E402
from redis_tui.demo.run import DEMO_CONFIG, start_workload  # noqa: E402
from redis_tui.demo.server import EmbeddedServer  # noqa: E402

CONFIG = "[monitor]\nmax_duration_s = 0\ndelimiter = {delimiter}\n"


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (x, y) points (0 with fewer than two)."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / var if var else 0.0


def stop_reason(screen: str) -> str:
    """The MONITOR screen's bar (the line that says "stopped" and why)."""
    bar = next((line for line in screen.splitlines() if re.match(r"\s*stopped\b", line)), "")
    return " ".join(bar.split()) or "(no bar on screen)"


def commands(r: redis.Redis) -> int:
    return int(r.info("stats")["total_commands_processed"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screen", choices=("monitor", "dashboard"), default="monitor")
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to run (default 10)")
    parser.add_argument("--hour", action="store_true", help="run 60 minutes (the issue's figure)")
    parser.add_argument("--sample", type=float, default=10.0, help="seconds between RSS samples (default 10)")
    parser.add_argument("--pipeline", type=int, default=4, help="redis-benchmark -P for --screen monitor")
    parser.add_argument("--interval", type=float, default=0.05, help="poll interval for --screen dashboard")
    parser.add_argument("--kind", default=None, help="redis or valkey (default: first found)")
    parser.add_argument("--delimiter", default=":", help='[monitor] delimiter ("|": every key its own prefix)')
    parser.add_argument("--app-dir", default=None,
                        help="run the redis_tui package found in this directory (another revision: "
                             "`git archive main | tar -x -C DIR`)")
    args = parser.parse_args()
    seconds = 3600.0 if args.hour else args.minutes * 60

    server_config = DEMO_CONFIG if args.screen == "dashboard" else None
    with EmbeddedServer(args.kind, config=server_config) as server, tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "config.toml")
        with open(config, "w") as handle:
            handle.write(CONFIG.format(delimiter=json.dumps(args.delimiter)))
        env = {**app_env(args.app_dir), "REDIS_TUI_CONFIG": config}
        port = server.port
        if args.screen == "monitor":
            load = subprocess.Popen(["redis-benchmark", "-p", str(port), "-t", "set,get,incr", "-P",
                                     str(args.pipeline), "-c", "50", "-n", "2000000000", "-q", "-r", "100000"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            app = Pty([sys.executable, "-m", "redis_tui", server.url], env, cwd=args.app_dir, screen=True)
            beside = subprocess.Popen(["redis-cli", "-p", str(port), "monitor"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            what = (f"the MONITOR screen, redis-benchmark -t set,get,incr -c 50 -P {args.pipeline} -r 100000, "
                    f"delimiter {args.delimiter!r}")
        else:
            load = start_workload(server)
            app = Pty([sys.executable, "-m", "redis_tui", server.url, "--interval", str(args.interval)], env,
                      cwd=args.app_dir)
            beside = subprocess.Popen(["redis-cli", "-p", str(port), "--stat", "-i", "1"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            what = f"the dashboard at --interval {args.interval:g} against the --demo workload"
        try:
            if not pump([app], 30, until=b"connected", who=app):
                raise SystemExit(f"no data on screen within 30 s:\n{app.tail[-2000:]!r}")
            if args.screen == "monitor":
                app.write(b"m")
                pump([app], 10, until=b"Press s to start", who=app)
                app.write(b"s")
                if not pump([app], 10, until=b"MONITOR running", who=app):
                    raise SystemExit(f"MONITOR did not start:\n{app.tail[-2000:]!r}")
            r = redis.Redis(port=port)
            r.set_response_callback("CLIENT LIST", lambda reply, **_: reply)
            print(f"# {server.kind}-server; {what}; {seconds / 60:g} min, RSS every {args.sample:g} s; "
                  f"python {sys.version.split()[0]}; {os.cpu_count()} cores", flush=True)
            print(f"{'min':>6}{'app RSS MB':>12}{'app CPU %':>11}{'commands/s':>12}{'redis-cli RSS MB':>18}",
                  flush=True)
            start = time.monotonic()
            samples: list[tuple[float, float]] = []
            rates: list[float] = []
            last_n, last_t = commands(r), start
            last_cpu = cpu_seconds(app.process.pid)
            cli_rss = 0.0
            while (now := time.monotonic()) - start < seconds:
                pump([app], min(args.sample - (now - start) % args.sample, seconds - (now - start)))
                if app.process.poll() is not None:
                    raise SystemExit(f"the app exited:\n{app.tail[-2000:]!r}")
                now = time.monotonic()
                rss = rss_mb(app.process.pid)
                cli_rss = rss_mb(beside.pid) if beside and beside.poll() is None else 0.0
                n, cpu = commands(r), cpu_seconds(app.process.pid)
                rate = (n - last_n) / (now - last_t)
                busy = (cpu - last_cpu) / (now - last_t) * 100
                last_n, last_t, last_cpu = n, now, cpu
                samples.append(((now - start) / 60, rss))
                rates.append(rate)
                print(f"{(now - start) / 60:6.2f}{rss:12.1f}{busy:11.0f}{rate:12,.0f}{cli_rss:18.1f}", flush=True)
            rows = parse.parse_client_list(r.execute_command("CLIENT LIST"))
            still = any(row.name == "redis-tui-monitor" for row in rows)
            why = stop_reason(app.text())
        finally:
            app.close(quit_key=b"q")
            for proc in (load, beside):
                proc.terminate()
                proc.wait(10)

    after = [(t, m) for t, m in samples if t >= 1.0]
    first = after[0][1] if after else samples[-1][1]
    growth = samples[-1][1] - first
    per_min = slope(after)
    run_rates = sorted(rates[1:] or rates)
    print(f"\nRSS after the first minute {first:.1f} MB, at the end {samples[-1][1]:.1f} MB "
          f"(peak {max(m for _, m in samples):.1f}): growth {growth:+.1f} MB over {samples[-1][0] - 1:.1f} min")
    late = [(t, m) for t, m in after if t >= samples[-1][0] * 2 / 3]
    late_per_min = slope(late)
    end = samples[-1][0]
    hour = growth + max(0.0, late_per_min) * max(0.0, 60 - end)  # what grew so far, then the recent pace
    print(f"slope after the first minute {per_min * 1024:+.0f} KB/min; over the last third of the run "
          f"{late_per_min * 1024:+.0f} KB/min")
    print(f"growth after the first minute over an hour: {growth:+.1f} MB measured"
          + (f" + the last third's pace for the {60 - end:.0f} min left = {hour:+.1f} MB" if end < 60 else "")
          + f"   target ≤ 20 MB -> {'MET' if hour <= 20 else 'MISSED'}")
    print(f"server commands/s: median {run_rates[len(run_rates) // 2]:,.0f}"
          f" (min {run_rates[0]:,.0f}, max {run_rates[-1]:,.0f})")
    if args.screen == "monitor":
        print("MONITOR still running at the end: " + ("yes" if still else f"NO: {why}"))


if __name__ == "__main__":
    main()
