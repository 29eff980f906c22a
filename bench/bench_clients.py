"""The dashboard against a server with many idle clients, beside redis-cli in the same run.

    python bench/bench_clients.py [--clients 10000] [--seconds 30] [--presses 20] [--kind redis|valkey]
                                  [--client-list-interval S]

One process opens --clients idle connections (each ``CLIENT SETNAME worker-N``, as
connection pools do) to a throwaway server started with ``maxclients 20000``, then:

1. ``CLIENT LIST``: the reply's size, the server's time per call (INFO commandstats), the
   reply time on a raw socket and ``redis-cli client list > /dev/null`` (process included),
   and redis-tui's parse of the same reply (best of --runs each; target <= 50 ms).
2. The real app (``python -m redis_tui URL``) in a pseudo-terminal of 120x40 at the default
   interval: its CPU % of one core over --seconds after a warm-up (target <= 5 %), its RSS
   (target <= 100 MB), and the time from a key press to the frame that answers it
   (``s``: the clients table sorted by the next column, seen through a VT emulator, pyte,
   whose own parsing of the frame is included; target p95 <= 100 ms).
3. The same figures for the app against a second server with a handful of clients (its
   idle cost, and the key-press floor of the app and the emulator), for the ratio.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import select
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import redis  # noqa: E402
from bench_dashboard import cpu_seconds, rss_mb, spawn_in_pty, stop  # noqa: E402

from redis_tui.core.parse import parse_client_list  # noqa: E402
from redis_tui.demo.server import EmbeddedServer  # noqa: E402

try:
    import pyte
except ImportError:  # the key-press figure then waits for any output instead of the answer itself
    pyte = None


def command(*args: str) -> bytes:
    """One command in RESP."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def open_idle_clients(port: int, count: int, batch: int = 500) -> list[socket.socket]:
    """`count` connections, each named worker-N, left idle."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 1000)), hard))
    sockets: list[socket.socket] = []
    for start in range(0, count, batch):
        group = []
        for n in range(start, min(count, start + batch)):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(command("CLIENT", "SETNAME", f"worker-{n}"))
            group.append(sock)
        for sock in group:
            reply = b""
            while not reply.endswith(b"\r\n"):
                chunk = sock.recv(64)
                if not chunk:
                    raise RuntimeError("the server closed a connection (maxclients?)")
                reply += chunk
            if not reply.startswith(b"+OK"):
                raise RuntimeError(f"CLIENT SETNAME failed: {reply!r}")
        sockets.extend(group)
    return sockets


def read_bulk(sock: socket.socket) -> bytes:
    """Read one RESP bulk string reply."""
    buffer = b""
    while b"\r\n" not in buffer:
        buffer += sock.recv(65536)
    head, _, rest = buffer.partition(b"\r\n")
    if not head.startswith(b"$"):
        raise RuntimeError(f"unexpected reply {head[:80]!r}")
    size = int(head[1:])
    chunks = [rest]
    have = len(rest)
    while have < size + 2:
        chunk = sock.recv(1 << 20)
        chunks.append(chunk)
        have += len(chunk)
    return b"".join(chunks)[:size]


def client_list_figures(port: int, runs: int) -> dict[str, float]:
    """CLIENT LIST: reply size, server µs per call, raw reply time, redis-cli time, our parse time."""
    admin = redis.Redis(port=port)
    before = admin.info("commandstats").get("cmdstat_client|list", {"calls": 0, "usec": 0})
    sock = socket.create_connection(("127.0.0.1", port))
    reply_times, data = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        sock.sendall(command("CLIENT", "LIST"))
        data = read_bulk(sock)
        reply_times.append(time.perf_counter() - start)
    sock.close()
    after = admin.info("commandstats").get("cmdstat_client|list", {"calls": 0, "usec": 0})
    calls = after["calls"] - before["calls"]
    server_ms = (after["usec"] - before["usec"]) / calls / 1000 if calls else float("nan")
    cli_times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(["redis-cli", "-p", str(port), "client", "list"], stdout=subprocess.DEVNULL, check=True)
        cli_times.append(time.perf_counter() - start)
    parse_times, rows = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        rows = len(parse_client_list(data))
        parse_times.append(time.perf_counter() - start)
    return {"bytes": len(data), "lines": data.count(b"\n"), "rows": rows, "server_ms": server_ms,
            "reply_ms": min(reply_times) * 1000, "cli_ms": min(cli_times) * 1000,
            "parse_ms": min(parse_times) * 1000}


class Terminal:
    """The app's pty: keeps it drained, and (with pyte) knows what is on screen."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.screen = pyte.Screen(120, 40) if pyte else None
        self.stream = pyte.ByteStream(self.screen) if pyte else None
        self.written = 0
        self.poller = select.poll()  # not select(): the pty's fd is above 1024 beside 10,000 sockets
        self.poller.register(fd, select.POLLIN)

    def read(self, timeout: float) -> bool:
        if not self.poller.poll(timeout * 1000):
            return False
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:
            return False
        self.written += len(chunk)
        if self.stream is not None:
            self.stream.feed(chunk)
        return bool(chunk)

    def pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.read(min(0.05, max(0.0, deadline - time.monotonic())))

    def text(self) -> str:
        return "\n".join(self.screen.display) if self.screen is not None else ""

    def wait_for(self, pattern: str, timeout: float) -> float | None:
        """Seconds until `pattern` (a regex) is on screen, None if it never was."""
        start = time.monotonic()
        regex = re.compile(pattern)
        while time.monotonic() - start < timeout:
            if regex.search(self.text()):
                return time.monotonic() - start
            self.read(0.01)
        return None

    def quiet(self, seconds: float, timeout: float) -> None:
        """Read until nothing came for `seconds` (or `timeout` passed)."""
        deadline = time.monotonic() + timeout
        last = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - last < seconds:
            if self.read(0.02):
                last = time.monotonic()


def sort_label(text: str) -> str | None:
    found = re.search(r"sort: ([a-z][a-z .]*?) [▲▼]", text)
    return found.group(1) if found else None


def key_latencies(term: Terminal, presses: int, timeout: float) -> list[float]:
    """Press `s` (sort the clients by the next column) and time the frame that shows it (`timeout` when
    it never comes)."""
    out = []
    for _ in range(presses):
        term.quiet(0.3, 3.0)
        before = sort_label(term.text())
        start = time.monotonic()
        os.write(term.fd, b"s")
        if term.screen is None or before is None:
            while not term.read(0.01) and time.monotonic() - start < timeout:
                pass
            out.append(time.monotonic() - start)
            continue
        while time.monotonic() - start < timeout:
            now = sort_label(term.text())
            if now is not None and now != before:
                break
            term.read(0.005)
        out.append(time.monotonic() - start)
    return out


def run_app(url: str, label: bytes, warmup: float, seconds: float, presses: int,
            expect: str | None, key_timeout: float = 10.0) -> dict[str, Any]:
    pid, fd = spawn_in_pty([sys.executable, "-m", "redis_tui", url])
    term = Terminal(fd)
    try:
        start = time.monotonic()
        if pyte is not None:
            term.wait_for(re.escape(label.decode()), 20.0)
        first_frame = time.monotonic() - start
        if expect and pyte is not None:
            term.wait_for(expect, 60.0)  # the table has rows
        term.pump(warmup)
        cpu0, t0 = cpu_seconds(pid), time.monotonic()
        term.pump(seconds)
        cpu = (cpu_seconds(pid) - cpu0) / (time.monotonic() - t0) * 100
        rss = rss_mb(pid)
        said = re.search(r"CLIENT LIST every [^·│]*?(?=\s*(?:·|│|$))", term.text(), re.MULTILINE)
        latencies = key_latencies(term, presses, key_timeout) if presses else []
        peak = rss_mb(pid, "VmHWM")
    finally:
        stop(pid)
        os.close(fd)
    result: dict[str, Any] = {"first_frame_s": first_frame, "cpu": cpu, "rss": rss, "peak": peak,
                              "said": said.group(0) if said else ""}
    if latencies:
        ordered = sorted(latencies)
        result["p50_ms"] = statistics.median(ordered) * 1000
        result["p95_ms"] = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] * 1000
        result["max_ms"] = ordered[-1] * 1000
        result["timeouts"] = sum(1 for t in ordered if t >= key_timeout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000, help="idle connections (default 10000)")
    parser.add_argument("--seconds", type=float, default=30.0, help="CPU window after the warm-up (default 30)")
    parser.add_argument("--warmup", type=float, default=45.0,
                        help="seconds after the table fills (default 45: the diagnosis's 60 s window fills)")
    parser.add_argument("--presses", type=int, default=20, help="key presses timed (default 20)")
    parser.add_argument("--key-timeout", type=float, default=10.0,
                        help="longest wait for the frame that answers a key (default 10 s)")
    parser.add_argument("--runs", type=int, default=7, help="CLIENT LIST repetitions, best kept (default 7)")
    parser.add_argument("--kind", default=None, help="redis or valkey (default: first found)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the app against an idle server")
    parser.add_argument("--client-list-interval", type=float, default=None,
                        help="the app's shortest CLIENT LIST period (config client_list_interval; default 5 s): "
                             "below the cost's 1 %% the pane shows it slowed down")
    args = parser.parse_args()
    if args.client_list_interval is not None:
        config = os.path.join(tempfile.mkdtemp(prefix="bench-clients-"), "config.toml")
        with open(config, "w") as handle:
            handle.write(f"client_list_interval = {args.client_list_interval}\n")
        os.environ["REDIS_TUI_CONFIG"] = config  # the apps started below read it
    if not shutil.which("redis-cli"):
        sys.exit("redis-cli is needed on PATH for the side-by-side figures")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the servers inherit it

    with EmbeddedServer(args.kind, config={"maxclients": "20000"}) as server:
        info = redis.Redis(port=server.port).info("server")
        version = info.get("valkey_version") if server.kind == "valkey" else info["redis_version"]
        label = f"{server.kind.capitalize()} {version}".encode()
        print(f"# {server.kind} {version}; python {sys.version.split()[0]}; {os.cpu_count()} cores; "
              f"load {os.getloadavg()[0]:.1f}")
        start = time.monotonic()
        sockets = open_idle_clients(server.port, args.clients)
        print(f"{len(sockets):,} idle clients connected in {time.monotonic() - start:.1f} s")

        figures = client_list_figures(server.port, args.runs)
        print(f"\n## CLIENT LIST at {figures['lines']:,} clients: {figures['bytes'] / 1e6:.2f} MB "
              f"(best of {args.runs})")
        print(f"server time per call (commandstats)   {figures['server_ms']:8.1f} ms")
        print(f"reply on a raw socket                 {figures['reply_ms']:8.1f} ms")
        print(f"redis-cli client list > /dev/null     {figures['cli_ms']:8.1f} ms")
        print(f"redis-tui parse_client_list           {figures['parse_ms']:8.1f} ms   "
              f"({figures['rows']:,} rows; {figures['parse_ms'] / figures['cli_ms']:.2f}x redis-cli; "
              f"target <= 50 ms -> {'MET' if figures['parse_ms'] <= 50 else 'MISSED'})")

        many = run_app(server.url, label, args.warmup, args.seconds, args.presses, r"worker-\d+", args.key_timeout)

        base = None
        if not args.no_baseline:
            with EmbeddedServer(args.kind) as idle_server:
                base = run_app(idle_server.url, label, args.warmup, args.seconds, args.presses, None,
                               args.key_timeout)
        for sock in sockets:
            sock.close()

    print(f"\n## the app at 120x40, default interval, {args.seconds:.0f} s after a {args.warmup:.0f} s warm-up")
    print(f"{'':28}{'CPU % of a core':>16}{'RSS MB':>9}{'peak MB':>9}")
    print(f"{f'{len(sockets):,} idle clients':28}{many['cpu']:16.1f}{many['rss']:9.1f}{many['peak']:9.1f}")
    if base is not None:
        print(f"{'a handful of clients':28}{base['cpu']:16.1f}{base['rss']:9.1f}{base['peak']:9.1f}")
        ratio_cpu = many["cpu"] / base["cpu"] if base["cpu"] else float("inf")
        print(f"{'ratio':28}{ratio_cpu:16.1f}{many['rss'] / base['rss']:9.1f}")
    if many["said"]:
        print(f"the clients pane says: {many['said']}")
    for what, result in ((f"{len(sockets):,} idle clients", many), ("a handful of clients", base)):
        if result is not None and "p50_ms" in result:
            late = result["timeouts"]
            print(f"key press (s: sort the clients) -> next frame, {what}: p50 {result['p50_ms']:.0f} ms, "
                  f"p95 {result['p95_ms']:.0f} ms, max {result['max_ms']:.0f} ms ({args.presses} presses"
                  + (f", {late:.0f} not answered within {args.key_timeout:g} s)" if late else ")"))
    met = [("CPU <= 5 %", many["cpu"] <= 5), ("RSS <= 100 MB", many["rss"] <= 100),
           ("key p95 <= 100 ms", many.get("p95_ms", float("inf")) <= 100),
           ("parse <= 50 ms", figures["parse_ms"] <= 50)]
    print("targets: " + "; ".join(f"{name} -> {'MET' if ok else 'MISSED'}" for name, ok in met))


if __name__ == "__main__":
    main()
