"""Benchmark: `redis-tui analyze` against `redis-cli --memkeys`, browse speed, server health.

Builds a dataset (default 1,000,000 keys: every type, small and big keys, 5% with a TTL) in
a throwaway server, then in the same run:

1. times `redis-cli --memkeys` and `redis-tui analyze --json` on it and prints both times,
   the ratio (target: analyze >= 5x faster) and the per-type keys and bytes of both with
   the % difference (target: within 1%). Both send MEMORY USAGE without SAMPLES, i.e. the
   server's default of 5 samples, so both get the same numbers for the same data;
2. browse: latency of the first page of key names on a fresh connection (target < 150 ms),
   time and peak Python memory of a full scan of every key name (target < 2 s);
3. health: p99 latency of a concurrent `redis-benchmark -t get` alone, while
   `redis-cli --memkeys` runs in a loop, and while analyze runs in a loop, for each --batch
   size given (target: p99 up by no more than a few ms). On a 2-core machine the three
   processes (server, benchmark, analyze client) also compete for CPU.

Then (with tmux on PATH) the analyze screen of the app, driven in tmux at 120x40, against
the command on the same data, alternated, and their ratio (target: the screen <= 1.3x).

Usage: python bench/bench_analyze.py [--keys N] [--kind redis|valkey] [--repeat N]
       [--batches 500,200,100] [--pause-ms MS] [--get-requests N] [--skip-memkeys] [--app-only]
Run from the repository root. Needs redis-cli and redis-benchmark on PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from redis_tui.core.connection import make_client  # noqa: E402
from redis_tui.core.keyspace.scan import KeyScanner  # noqa: E402
from redis_tui.core.target import Target  # noqa: E402
from redis_tui.demo.server import EmbeddedServer  # noqa: E402

LOADER = r"""
local first, last = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = first, last do
  local m = i % 100
  if m < 50 then
    redis.call('SET', 'user:' .. (i % 1000) .. ':' .. i, string.rep('v', (i * 7) % 200 + 1))
  elseif m < 55 then
    redis.call('SET', 'cache:page:' .. i, i, 'EX', 3600 + i % 100000)
  elseif m < 67 then
    local args = {'HSET', 'session:' .. i}
    for f = 1, i % 20 + 1 do args[#args + 1] = 'f' .. f; args[#args + 1] = string.rep('x', f * 3) end
    redis.call(unpack(args))
  elseif m < 77 then
    local args = {'RPUSH', 'queue:' .. i}
    for e = 1, i % 30 + 1 do args[#args + 1] = 'job-' .. e end
    redis.call(unpack(args))
  elseif m < 87 then
    local args = {'SADD', 'tags:' .. i}
    for e = 1, i % 20 + 1 do args[#args + 1] = (i % 2 == 0) and e or ('t' .. e) end
    redis.call(unpack(args))
  elseif m < 97 then
    local args = {'ZADD', 'rank:' .. i}
    for e = 1, i % 20 + 1 do args[#args + 1] = e * 1.5; args[#args + 1] = 'm' .. e end
    redis.call(unpack(args))
  else
    for e = 1, i % 5 + 1 do redis.call('XADD', 'events:' .. i, '*', 'n', e, 'what', 'click') end
  end
end
return last - first + 1
"""

BIG = r"""
-- big keys, written in chunks (Lua's unpack takes ~8000 values at most)
local n = tonumber(ARGV[1])
local function chunked(command, key, first, last, add)
  for start = first, last, 1000 do
    local args = {command, key}
    for e = start, math.min(last, start + 999) do add(args, e) end
    redis.call(unpack(args))
  end
end
for b = 1, n do
  chunked('HSET', 'big:hash:' .. b, 1, 10000 * b,
          function(a, f) a[#a + 1] = 'field' .. f; a[#a + 1] = string.rep('y', f % 64) end)
  chunked('RPUSH', 'big:list:' .. b, 1, 50000 * b, function(a, e) a[#a + 1] = 'item' .. e end)
  chunked('ZADD', 'big:zset:' .. b, 1, 5000 * b, function(a, e) a[#a + 1] = e; a[#a + 1] = 'member' .. e end)
  redis.call('SET', 'big:string:' .. b, string.rep('z', 1000000 * b))
end
return n
"""

MEMKEYS_LINE = re.compile(r"^(\d+) (\w+?)s with (\d+) bytes", re.M)


def build(port: int, keys: int) -> float:
    """Fill the server; returns seconds taken."""
    started = time.perf_counter()
    r = redis.Redis(port=port)
    big = 5
    regular = keys - 4 * big
    for first in range(0, regular, 50_000):
        r.eval(LOADER, 0, first, min(regular, first + 50_000) - 1)
    r.eval(BIG, 0, big)
    r.close()
    return time.perf_counter() - started


def run_memkeys(port: int) -> tuple[float, dict[str, tuple[int, int]]]:
    started = time.perf_counter()
    out = subprocess.run(["redis-cli", "-p", str(port), "--memkeys"], capture_output=True, text=True, check=True).stdout
    elapsed = time.perf_counter() - started
    by_type = {name: (int(count), int(size)) for count, name, size in MEMKEYS_LINE.findall(out)}
    by_type["hash"] = by_type.pop("hashs", by_type.get("hash", (0, 0)))  # redis-cli says "hashs"
    return elapsed, by_type


def run_analyze(url: str, *extra: str) -> tuple[float, dict, int]:
    """(seconds, JSON, peak RSS KiB) of one `redis-tui analyze --json` process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "redis_tui", "analyze", url, "--json", *extra],
                                   cwd=ROOT, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise SystemExit(f"analyze failed: {err.read().decode(errors='replace')}")
        return elapsed, json.loads(out.read()), usage.ru_maxrss


async def browse(port: int) -> dict:
    """First page latency, full scan time (script and plain SCAN) and peak memory."""
    target = Target(host="127.0.0.1", port=port)
    figures = {}
    started = time.perf_counter()
    client = make_client(target)
    page = await KeyScanner(client, page_size=500).next_page()
    figures["first_page_ms"] = (time.perf_counter() - started) * 1000
    figures["first_page_keys"] = len(page.keys)
    await client.aclose()
    for server_side in (True, False):
        client = make_client(target)
        started = time.perf_counter()
        count = 0
        async for page in KeyScanner(client, server_side=server_side, page_size=5000).pages():
            count += len(page.keys)
        figures["scan_s" if server_side else "plain_scan_s"] = time.perf_counter() - started
        figures["scanned" if server_side else "plain_scanned"] = count
        await client.aclose()
    client = make_client(target)
    tracemalloc.start()
    async for _page in KeyScanner(client, page_size=5000).pages():
        pass
    figures["scan_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    await client.aclose()
    return figures


def get_p99(port: int, requests: int) -> tuple[float, float]:
    """(p99 ms, rps) of redis-benchmark -t get."""
    out = subprocess.run(["redis-benchmark", "-p", str(port), "-t", "get", "-n", str(requests), "-c", "10", "--csv"],
                         capture_output=True, text=True, check=True).stdout
    row = next(line for line in out.splitlines() if line.startswith('"GET"'))
    fields = [field.strip('"') for field in row.split(",")]
    return float(fields[6]), float(fields[1])


def p99_under(port: int, command: list[str], requests: int) -> tuple[float, float, int]:
    """p99 of the GET benchmark while `command` runs back to back; (p99, rps, runs)."""
    stop = threading.Event()
    runs = [0]

    def loop() -> None:
        while not stop.is_set():
            subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
            runs[0] += 1

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    time.sleep(1.0)  # let the first run get past its start-up
    try:
        p99, rps = get_p99(port, requests)
    finally:
        stop.set()
        thread.join()
    return p99, rps, runs[0]


def run_in_app(url: str, size: tuple[int, int] = (120, 40), timeout: float = 300.0) -> tuple[float, float]:
    """(seconds the app's report says, seconds from `s` to "done" on screen) of one analyze
    run in the app, driven in tmux (a real terminal: every frame is written and drawn)."""
    socket = f"redis-tui-bench-{os.getpid()}"
    tmux = ["tmux", "-L", socket]
    env = {**os.environ, "XDG_CONFIG_HOME": tempfile.mkdtemp(), "TERM": "xterm-256color"}

    def screen() -> str:
        return subprocess.run([*tmux, "capture-pane", "-p", "-t", "bench"], capture_output=True, text=True).stdout

    def wait(what: re.Pattern, limit: float) -> re.Match:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            found = what.search(screen())
            if found:
                return found
            time.sleep(0.05)
        raise SystemExit(f"in-app analyze: {what.pattern!r} never showed:\n{screen()}")

    command = f"{sys.executable} -m redis_tui {url}"
    subprocess.run([*tmux, "new-session", "-d", "-s", "bench", "-x", str(size[0]), "-y", str(size[1]), command],
                   cwd=ROOT, env=env, check=True)
    try:
        wait(re.compile(r"Clients"), 30)
        time.sleep(1.0)  # the first polls
        subprocess.run([*tmux, "send-keys", "-t", "bench", "a"], check=True)
        wait(re.compile(r"Press s to start"), 10)
        started = time.perf_counter()
        subprocess.run([*tmux, "send-keys", "-t", "bench", "s"], check=True)
        found = wait(re.compile(r"([\d.]+) s via script(?s:.*)\bdone\b|\bdone\b(?s:.*?)([\d.]+) s via script"), timeout)
        shown = time.perf_counter() - started
        return float(found.group(1) or found.group(2)), shown
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def server_busy_s(port: int, url: str) -> float:
    """Seconds the server spent in analyze's scripts during one run (INFO commandstats)."""
    r = redis.Redis(port=port)
    r.config_resetstat()
    run_analyze(url)
    stats = r.info("commandstats")
    return sum(v["usec"] for name, v in stats.items() if name.startswith("cmdstat_eval")) / 1e6


def pct(a: float, b: float) -> str:
    return "n/a" if not b else f"{(a - b) / b * 100:+.2f}%"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--kind", choices=["redis", "valkey"], default=None)
    parser.add_argument("--repeat", type=int, default=1, help="timed runs of each tool (median reported)")
    parser.add_argument("--batches", default="500,200,100", help="analyze --batch sizes for the p99 test")
    parser.add_argument("--parallel", type=int, default=2, choices=(1, 2, 4),
                        help="analyze --parallel for the p99 test")
    parser.add_argument("--pause-ms", type=float, default=0.0, help="analyze --pause for the p99 test")
    parser.add_argument("--get-requests", type=int, default=100_000, help="requests of each redis-benchmark run")
    parser.add_argument("--skip-memkeys", action="store_true")
    parser.add_argument("--app-only", action="store_true", help="only the analyze screen vs the command")
    args = parser.parse_args()
    for tool in ("redis-cli", "redis-benchmark"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} not found on PATH")

    with EmbeddedServer(args.kind) as server:
        url, port = server.url, server.port
        info = redis.Redis(port=port).info("server")
        version = info.get("valkey_version") or info.get("redis_version")
        print(f"server: {server.kind} {version} on port {port}; cores: {os.cpu_count()}; "
              f"load average {os.getloadavg()[0]:.2f} (other processes share these cores)")
        print(f"building {args.keys:,} keys ... {build(port, args.keys):.1f} s; "
              f"DBSIZE {redis.Redis(port=port).dbsize():,}")

        analyze_runs, memkeys_runs = [], []
        for _ in range(args.repeat):
            if not args.skip_memkeys:
                memkeys_runs.append(run_memkeys(port))
            analyze_runs.append(run_analyze(url))
        analyze_s = statistics.median(run[0] for run in analyze_runs)
        if shutil.which("tmux"):
            in_app = []
            for _ in range(args.repeat):
                command = run_analyze(url)[1]["elapsed_s"]
                in_app.append((command, *run_in_app(url)))
            command_s = statistics.median(run[0] for run in in_app)
            app_s = statistics.median(run[1] for run in in_app)
            print(f"\n== the analyze screen vs the command, same data, alternated ({args.repeat} run(s), median) ==")
            print(f"command (in-process): {command_s:.2f} s; app screen (its report's figure): {app_s:.2f} s "
                  f"(s pressed to 'done' seen in tmux: {statistics.median(run[2] for run in in_app):.2f} s); "
                  f"ratio {app_s / command_s:.2f}x (target <= 1.3x)")
        elif args.app_only:
            raise SystemExit("--app-only needs tmux on PATH")
        if args.app_only:
            return 0
        doc, peak_kib = analyze_runs[-1][1], max(run[2] for run in analyze_runs)
        print(f"\n== analyze vs redis-cli --memkeys ({args.repeat} run(s) each, median) ==")
        print(f"redis-tui analyze --json: {analyze_s:.2f} s  (runs: {', '.join(f'{r[0]:.2f}' for r in analyze_runs)}; "
              f"in-process {doc['elapsed_s']:.2f} s; peak RSS {peak_kib / 1024:.0f} MiB)")
        if memkeys_runs:
            memkeys_s = statistics.median(run[0] for run in memkeys_runs)
            runs = ", ".join(f"{r[0]:.2f}" for r in memkeys_runs)
            print(f"redis-cli --memkeys:      {memkeys_s:.2f} s  (runs: {runs})")
            print(f"ratio: analyze is {memkeys_s / analyze_s:.1f}x faster (target >= 5x)   "
                  f"[defaults: --batch 200 --parallel 2, chosen for other clients' p99, see below]")
            fast = statistics.median(run_analyze(url, "--batch", "500", "--parallel", "4")[0]
                                     for _ in range(args.repeat))
            busy = server_busy_s(port, url)
            print(f"redis-tui analyze --batch 500 --parallel 4: {fast:.2f} s -> {memkeys_s / fast:.1f}x faster")
            print(f"the floor: the server itself spends {busy:.2f} s running analyze's per-key TYPE + MEMORY USAGE "
                  f"+ PTTL (INFO commandstats), i.e. at most {memkeys_s / busy:.1f}x redis-cli on this data")
            memkeys = memkeys_runs[-1][1]
            print(f"\n{'type':<8} {'keys (cli)':>12} {'keys (tui)':>12} {'diff':>8} "
                  f"{'bytes (cli)':>14} {'bytes (tui)':>14} {'diff':>8}")
            for kind in ("string", "list", "set", "zset", "hash", "stream"):
                cli_keys, cli_bytes = memkeys.get(kind, (0, 0))
                tui = doc["by_type"].get(kind, {"keys": 0, "bytes": 0})
                print(f"{kind:<8} {cli_keys:>12,} {tui['keys']:>12,} {pct(tui['keys'], cli_keys):>8} "
                      f"{cli_bytes:>14,} {tui['bytes']:>14,} {pct(tui['bytes'], cli_bytes):>8}")
        print(f"keys_scanned {doc['keys_scanned']:,}, total_bytes {doc['total_bytes']:,}, "
              f"top key {doc['top_keys'][0]['key']} {doc['top_keys'][0]['bytes']:,} B")

        figures = asyncio.run(browse(port))
        started = time.perf_counter()
        cli_scan = subprocess.run(f"redis-cli -p {port} --scan | wc -l", shell=True, capture_output=True, text=True)
        cli_scan_s = time.perf_counter() - started
        print("\n== browse ==")
        print(f"first page: {figures['first_page_ms']:.1f} ms for {figures['first_page_keys']} keys "
              f"(new connection + first SCAN page; target < 150 ms)")
        print(f"full scan of key names: {figures['scan_s']:.2f} s for {figures['scanned']:,} keys (target < 2 s); "
              f"peak Python memory {figures['scan_peak_mib']:.1f} MiB (SeenKeys, ~10 bytes a key, + one page)")
        print(f"  plain SCAN through redis-py (no script): {figures['plain_scan_s']:.2f} s; "
              f"redis-cli --scan | wc -l: {cli_scan_s:.2f} s ({cli_scan.stdout.strip()} keys)")

        print(f"\n== server health: redis-benchmark -t get -c 10 -n {args.get_requests:,}, p99 ==")
        base_p99, base_rps = get_p99(port, args.get_requests)
        print(f"{'alone':<40} p99 {base_p99:7.3f} ms            {base_rps:9,.0f} req/s")
        runs = [("redis-cli --memkeys", ["redis-cli", "-p", str(port), "--memkeys"])] if not args.skip_memkeys else []
        for batch in (int(b) for b in args.batches.split(",") if b):
            runs.append((f"analyze --batch {batch} --parallel {args.parallel} --pause {args.pause_ms:g}",
                         [sys.executable, "-m", "redis_tui", "analyze", url, "--json", "--batch", str(batch),
                          "--parallel", str(args.parallel),
                          "--pause", str(args.pause_ms)]))
        for label, command in runs:
            p99, rps, count = p99_under(port, command, args.get_requests)
            print(f"{'with ' + label:<40} p99 {p99:7.3f} ms ({p99 - base_p99:+7.3f}) {rps:9,.0f} req/s ({count} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
