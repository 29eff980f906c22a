"""Bytes written to the terminal per second: the dashboard beside `top -d 1`, in the same run.

    python bench/bench_bandwidth.py [--seconds 30] [--warmup 5] [--runs 1] [--kind redis|valkey]
                                    [--screen dashboard|monitor] [--only idle|demo] [--no-probe]
                                    [--app-dir DIR]

Each program runs in its own pseudo-terminal of 120×40 (TERM=xterm-256color), the way a user's
ssh session would carry it; what it writes is counted for --seconds after a --warmup (from the
first frame with server data). Scenarios:

  idle   `python -m redis_tui URL` against an idle throwaway server;
  demo   `python -m redis_tui --demo` (its embedded server and busy workload).

`top -d 1` runs in a pty of the same size during each scenario. Targets (issue 14): idle ≤ top's
bytes/s, demo ≤ 3× top's. With `--screen monitor` the app is switched to the MONITOR screen (`m`,
`s`) before the warm-up, a figure for that screen (no target).

Unless --no-probe, the app is started with bench/repaint_probe on PYTHONPATH: a sitecustomize
that only observes (which widgets each frame repaints, and the frame's bytes) and reports per
widget, so the fixes are guided by data.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from redis_tui.demo.server import EmbeddedServer  # noqa: E402

PROBE_DIR = os.path.join(ROOT, "bench", "repaint_probe")
COLUMNS, ROWS = 120, 40


def app_env(app_dir: str | None, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for the app: with `app_dir` (a tree of another revision), its redis_tui is imported."""
    env = dict(os.environ if env is None else env)
    if app_dir:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [app_dir, env.get("PYTHONPATH")]))
    return env


class Pty:
    """A program on a pseudo-terminal of COLUMNS × ROWS; counts what it writes."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None, cwd: str | None = None,
                 screen: bool = False) -> None:
        master, slave = os.openpty()
        size = struct.pack("HHHH", ROWS, COLUMNS, 0, 0)
        for fd in (slave, master):
            fcntl.ioctl(fd, termios.TIOCSWINSZ, size)
        env = {**(env or os.environ), "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(ROWS)}
        for name in ("TEXTUAL", "NO_COLOR", "TMUX"):
            env.pop(name, None)
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                                        start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd = master
        self.counted = 0
        self.counting = False
        self.tail = b""
        self.screen = None  # with `screen`: a VT emulator fed everything, to read what the terminal shows
        if screen:
            import pyte  # a test dependency (pip install -e '.[test]')

            self.screen = pyte.Screen(COLUMNS, ROWS)
            self._stream = pyte.ByteStream(self.screen)

    def read(self) -> None:
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            data = b""
        if not data:
            os.close(self.fd)
            self.fd = -1
            return
        if self.counting:
            self.counted += len(data)
        self.tail = (self.tail + data)[-100_000:]
        if self.screen is not None:
            self._stream.feed(data)

    def text(self) -> str:
        """The terminal's text (with `screen`), one line per row."""
        return "\n".join(line.rstrip() for line in self.screen.display) if self.screen is not None else ""

    def write(self, data: bytes) -> None:
        with contextlib.suppress(OSError):
            os.write(self.fd, data)

    def close(self, quit_key: bytes | None = None) -> None:
        if quit_key is not None and self.process.poll() is None:
            self.write(quit_key)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.process.poll() is None:
                pump([self], 0.1)
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def pump(ptys: list[Pty], seconds: float, until: bytes | None = None, who: Pty | None = None) -> bool:
    """Read every pty for `seconds` (or until `who` has written `until`: True)."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        fds = [p.fd for p in ptys if p.fd >= 0]
        if not fds:
            return False
        ready, _, _ = select.select(fds, [], [], min(left, 0.05))
        for p in ptys:
            if p.fd in ready:
                p.read()
        if until is not None and who is not None and until in who.tail:
            return True
    return False


def run_scenario(app_argv: list[str], args: argparse.Namespace, probe_file: str | None) -> dict:
    """Run the app and `top -d 1` side by side; bytes/s of each over the window, and the probe's report."""
    env = app_env(args.app_dir)
    if probe_file:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [PROBE_DIR, env.get("PYTHONPATH")]))
        env["REDIS_TUI_REPAINT_PROBE"] = probe_file
    app = Pty(app_argv, env, cwd=args.app_dir)
    top = Pty(["top", "-d", "1"])
    ptys = [app, top]
    try:
        if not pump(ptys, 30, until=b"connected", who=app):
            raise SystemExit(f"the app showed no data within 30 s:\n{app.tail[-2000:]!r}")
        if args.screen == "monitor":
            app.write(b"m")
            pump(ptys, 10, until=b"Press s to start", who=app)
            app.write(b"s")
            pump(ptys, 10, until=b"MONITOR running", who=app)
        pump(ptys, args.warmup)
        if probe_file:
            os.kill(app.process.pid, signal.SIGUSR1)
        for p in ptys:
            p.counting = True
        start = time.monotonic()
        pump(ptys, args.seconds)
        elapsed = time.monotonic() - start
        for p in ptys:
            p.counting = False
        report = None
        if probe_file:
            os.kill(app.process.pid, signal.SIGUSR2)
            deadline = time.monotonic() + 10
            while not os.path.exists(probe_file) and time.monotonic() < deadline:
                pump(ptys, 0.1)
            with open(probe_file) as handle:
                report = json.load(handle)
            os.unlink(probe_file)
        alive = app.process.poll() is None
    finally:
        app.close(quit_key=b"q")
        top.close(quit_key=b"q")
    if not alive:
        raise SystemExit(f"the app exited during the run:\n{app.tail[-2000:]!r}")
    return {"app": app.counted / elapsed / 1024, "top": top.counted / elapsed / 1024, "seconds": elapsed,
            "probe": report}


def print_probe(title: str, report: dict, seconds: float, limit: int = 14) -> None:
    totals, widgets = report["totals"], report["widgets"]
    print(f"\n## what the app repainted: {title} ({totals['frames'] / seconds:.1f} frames/s, "
          f"{totals['full_frames']} whole-screen; bytes by the widget they drew; cells: the regions refreshed)")
    print(f"{'widget':58}{'frames/s':>9}{'cells/s':>9}{'KB/s':>8}{'share':>7}{'relayouts':>10}")
    total = sum(w["bytes"] for w in widgets.values()) or 1
    for key, w in sorted(widgets.items(), key=lambda kv: -kv[1]["bytes"])[:limit]:
        if w["bytes"] < 1 and not w["relayouts"]:
            continue
        print(f"{key[:57]:58}{w['frames'] / seconds:9.2f}{w['cells'] / seconds:9.0f}"
              f"{w['bytes'] / seconds / 1024:8.2f}{w['bytes'] / total:7.0%}{w['relayouts']:10d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="counting window (default 30)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds before counting (default 5)")
    parser.add_argument("--runs", type=int, default=1, help="repeat each scenario; medians are printed")
    parser.add_argument("--kind", default=None, help="redis or valkey (default: first found)")
    parser.add_argument("--screen", choices=("dashboard", "monitor"), default="dashboard")
    parser.add_argument("--only", choices=("idle", "demo"), default=None, help="run one scenario")
    parser.add_argument("--no-probe", action="store_true", help="run the app without the repaint probe")
    parser.add_argument("--app-dir", default=None,
                        help="run the redis_tui package found in this directory (another revision: "
                             "`git archive main | tar -x -C DIR`), with this venv's Python and packages")
    args = parser.parse_args()

    results: dict[str, list[dict]] = {"idle": [], "demo": []}
    scenarios = [args.only] if args.only else ["idle", "demo"]
    with EmbeddedServer(args.kind) as server, tempfile.TemporaryDirectory() as tmp:
        where = f" (redis_tui from {args.app_dir})" if args.app_dir else ""
        print(f"# {server.kind}-server{where}; {COLUMNS}×{ROWS} pty, TERM=xterm-256color; {args.screen} screen; "
              f"{args.seconds:g} s counted after a {args.warmup:g} s warm-up; python {sys.version.split()[0]}; "
              f"{os.cpu_count()} cores")
        for run in range(args.runs):
            for scenario in scenarios:
                argv = [sys.executable, "-m", "redis_tui"]
                argv += ["--demo"] if scenario == "demo" else [server.url]
                probe = None if args.no_probe else os.path.join(tmp, f"probe-{scenario}-{run}.json")
                result = run_scenario(argv, args, probe)
                results[scenario].append(result)
                print(f"run {run + 1} {scenario:5} redis-tui {result['app']:6.2f} KB/s   "
                      f"top -d 1 {result['top']:5.2f} KB/s", flush=True)

    print(f"\n## bytes written to the terminal per second (median of {args.runs})")
    print(f"{'scenario':34}{'redis-tui KB/s':>15}{'top -d 1 KB/s':>15}{'ratio':>8}   target")
    for scenario in scenarios:
        runs = results[scenario]
        app = statistics.median(r["app"] for r in runs)
        top = statistics.median(r["top"] for r in runs)
        ratio = app / top if top else float("inf")
        limit = 1.0 if scenario == "idle" else 3.0
        name = "idle server" if scenario == "idle" else "busy --demo"
        target = (f"≤ {limit:g}× top -> {'MET' if ratio <= limit else 'MISSED'}" if args.screen == "dashboard"
                  else "(no target)")
        print(f"{name:34}{app:15.2f}{top:15.2f}{ratio:7.2f}×   {target}")
    for scenario in scenarios:
        last = results[scenario][-1]
        if last["probe"]:
            print_probe("idle server" if scenario == "idle" else "busy --demo", last["probe"], last["seconds"])


if __name__ == "__main__":
    main()
