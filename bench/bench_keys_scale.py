"""Benchmark: the keyspace at scale — `redis-tui analyze` and the keys screen's counts on 10M keys.

Builds a throwaway server (started with ``enable-debug-command yes``) holding `--keys` keys
(default 10,000,000) made by ``DEBUG POPULATE`` under a few namespaces (``user:profile:N``,
``session:N``, ``cache:page:N`` with a TTL, ``rate:ip:N``) plus 1% small hashes, lists, sets,
sorted sets and streams written by a Lua loop, then in the same run:

1. ``redis-tui analyze --json`` as a subprocess: its peak RSS (the child's VmHWM, from
   wait4) and wall time, against the server's own floor, the time the server spent in the
   TYPE + MEMORY USAGE + PTTL calls of that run (INFO commandstats, reset just before);
   targets: peak RSS <= 150 MB, time <= 1.5x the floor. SCAN's own server time is printed
   too, and the ratio against floor + SCAN: SCAN alone costs the server about as much as
   the floor (1.1-1.3x on Redis 7.0 here), so no client that walks the keyspace with SCAN
   can come within 1.5x of the floor alone — the printed ratios say how far each way. On a machine
   whose cores are busy with other work the wall time says more about them than about
   analyze, so an estimate for two idle cores is printed too: the larger of the server's
   time in the scripts and the client's CPU (the two overlap), against each floor;
2. ``redis-cli --memkeys`` on the same data: keys and bytes per type beside analyze's (the
   counts must be equal);
3. the keys screen's work, each in a subprocess: the namespace tree's full count
   (`NamespaceScan` over every key, as the tree view runs it; its total must equal DBSIZE)
   and the key list's scanner (`KeyScanner` over every key, de-duplicating); target: peak
   RSS <= 150 MB.

With ``--compare PATH`` (a checkout of another commit, e.g. ``git archive 04df493 | tar -x
-C /tmp/main``) every figure is measured for that code too, on the same server.

Usage: python bench/bench_keys_scale.py [--keys N] [--kind redis|valkey] [--repeat N]
       [--compare PATH] [--skip-memkeys] [--skip-lists]
Run from the repository root. Needs redis-cli on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from redis_tui.demo.server import EmbeddedServer  # noqa: E402

SHARES = (("user:profile", 0.40), ("session", 0.30), ("cache:page", 0.20), ("rate:ip", 0.09))
VALUE_SIZE = 24

COLLECTIONS = r"""
local first, last = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = first, last do
  local m = i % 5
  if m == 0 then redis.call('HSET', 'cart:' .. i, 'sku', i, 'qty', i % 7, 'at', 'now')
  elseif m == 1 then redis.call('RPUSH', 'queue:' .. i, 'a', 'b', i)
  elseif m == 2 then redis.call('SADD', 'tags:' .. i, 'x', 'y', i)
  elseif m == 3 then redis.call('ZADD', 'rank:' .. i, 1, 'a', 2, 'b', i, 'c')
  else redis.call('XADD', 'events:' .. i, '*', 'n', i) end
end
return last - first + 1
"""

EXPIRE = r"""
local prefix, first, last = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
for i = first, last do redis.call('PEXPIRE', prefix .. i, 86400000 + i) end
return last - first + 1
"""

# Run in a subprocess with the code under test first on sys.path (cwd): one full pass of the
# keys screen's tree count or of its key list's scanner; prints one JSON line.
CHILD = r"""
import asyncio, json, sys, time
from redis_tui.core.connection import make_client
from redis_tui.core.keyspace.namespace import NamespaceScan
from redis_tui.core.keyspace.scan import KeyScanner
from redis_tui.core.target import Target

async def main(port, what):
    client = make_client(Target(host="127.0.0.1", port=port))
    started = time.perf_counter()
    if what == "tree":  # as ui/keys/tree.py runs it: depth 2, pages of 1000 keys
        scan = NamespaceScan(client, b"", b":", 2, count=1000, page_size=1000, time_budget=0.1)
        while not scan.done:
            await scan.next_page()
        tree = scan.tree
        out = {"keys": tree.total_keys, "children": len(tree.children()),
               "duplicates": scan.scanner.duplicates}
    else:  # the key list: pages of 500 names, SCAN duplicates dropped
        scanner = KeyScanner(client, count=1000, page_size=500)
        keys = 0
        while not scanner.done:
            keys += len((await scanner.next_page()).keys)
        out = {"keys": keys, "duplicates": scanner.duplicates}
    out["seconds"] = time.perf_counter() - started
    await client.aclose()
    print(json.dumps(out))

asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
"""

MEMKEYS_LINE = re.compile(r"^(\d+) (\w+?)s with (\d+) bytes", re.M)
FLOOR_COMMANDS = ("cmdstat_type", "cmdstat_memory|usage", "cmdstat_memory", "cmdstat_pttl")


@dataclass
class Figures:
    """What one code base measured."""

    label: str
    analyze: list[tuple[float, int, float, float, float, float]] = field(default_factory=list)
    # (seconds, peak KiB, floor s: TYPE + MEMORY USAGE + PTTL, the server's time in analyze's scripts,
    #  client CPU s, the server's time in SCAN)
    doc: dict | None = None
    tree: list[tuple[float, int, dict, float]] = field(default_factory=list)  # (seconds, peak KiB, output, CPU s)
    listing: list[tuple[float, int, dict, float]] = field(default_factory=list)


def build(port: int, keys: int) -> float:
    """Fill the server; the seconds it took."""
    started = time.perf_counter()
    r = redis.Redis(port=port)
    collections = keys // 100
    strings = keys - collections
    counts = [int(strings * share) for _prefix, share in SHARES]
    counts[-1] += strings - sum(counts)
    for (prefix, _share), count in zip(SHARES, counts, strict=True):
        r.execute_command("DEBUG", "POPULATE", count, prefix, VALUE_SIZE)
    for first in range(0, collections, 20_000):
        r.eval(COLLECTIONS, 0, first, min(collections, first + 20_000) - 1)
    cache = counts[[p for p, _ in SHARES].index("cache:page")]
    for first in range(0, cache, 200_000):
        r.eval(EXPIRE, 0, "cache:page:", first, min(cache, first + 200_000) - 1)
    r.close()
    return time.perf_counter() - started


def run_child(command: list[str], cwd: Path) -> tuple[float, int, str, float]:
    """(seconds, peak RSS KiB, stdout, CPU seconds) of one subprocess."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err,
                                   env={**os.environ, "PYTHONPATH": str(cwd)})
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"{' '.join(command[:4])} failed: {err.read().decode(errors='replace')[-2000:]}")
        return elapsed, usage.ru_maxrss, out.read().decode(), usage.ru_utime + usage.ru_stime


def floors_s(port: int) -> tuple[float, float, float]:
    """Seconds the server spent since the last CONFIG RESETSTAT in TYPE, MEMORY USAGE and
    PTTL, in analyze's script calls as a whole (SCAN, the length commands and Lua too), and
    in SCAN (called from the scripts: commandstats counts a script's calls too)."""
    stats = redis.Redis(port=port).info("commandstats")

    def usec(name: str) -> int:  # redis-py keeps the "cmdstat_" prefix; be lenient either way
        return int((stats.get(name) or stats.get(name.removeprefix("cmdstat_")) or {}).get("usec", 0))

    scripts = sum(usec(f"cmdstat_{name}") for name in ("evalsha_ro", "eval_ro", "evalsha", "eval"))
    return sum(usec(name) for name in FLOOR_COMMANDS) / 1e6, scripts / 1e6, usec("cmdstat_scan") / 1e6


def measure(figures: Figures, code: Path, port: int, url: str, lists: bool) -> None:
    """One analyze run and one run of each keys-screen pass with the code in `code`."""
    r = redis.Redis(port=port)
    r.config_resetstat()
    seconds, peak, out, cpu = run_child([sys.executable, "-m", "redis_tui", "analyze", url, "--json"], code)
    floor, scripts, scan = floors_s(port)
    figures.analyze.append((seconds, peak, floor, scripts, cpu, scan))
    figures.doc = json.loads(out)
    if lists:
        for what, into in (("tree", figures.tree), ("list", figures.listing)):
            seconds, peak, out, cpu = run_child([sys.executable, "-c", CHILD, str(port), what], code)
            into.append((seconds, peak, json.loads(out), cpu))


def run_memkeys(port: int) -> tuple[float, dict[str, tuple[int, int]]]:
    started = time.perf_counter()
    out = subprocess.run(["redis-cli", "-p", str(port), "--memkeys"], capture_output=True, text=True, check=True).stdout
    elapsed = time.perf_counter() - started
    by_type = {name: (int(count), int(size)) for count, name, size in MEMKEYS_LINE.findall(out)}
    by_type["hash"] = by_type.pop("hashs", by_type.get("hash", (0, 0)))  # redis-cli says "hashs"
    return elapsed, by_type


def mib(kib: float) -> str:
    return f"{kib / 1024:.0f} MiB"


def report(all_figures: list[Figures], dbsize: int) -> None:
    """The comparison table (medians over the runs)."""
    width = 30
    print(f"\n{'':<34}" + "".join(f"{f.label:>{width}}" for f in all_figures))

    def row(label: str, cells: list[str]) -> None:
        print(f"{label:<34}" + "".join(f"{cell:>{width}}" for cell in cells))

    def median(runs: list, index: int) -> float:
        return statistics.median(run[index] for run in runs)

    row("analyze: peak RSS (target <= 150 MB)", [mib(median(f.analyze, 1)) for f in all_figures])
    row("analyze: time (target <= 1.5x floor 1)", [f"{median(f.analyze, 0):.1f} s" for f in all_figures])
    def against(f: Figures, *indexes: int) -> str:
        floor = sum(median(f.analyze, index) for index in indexes)
        return f"{floor:.1f} s -> {median(f.analyze, 0) / floor:.2f}x" if floor else "-"

    row("  floor 1: TYPE+MEMORY USAGE+PTTL", [against(f, 2) for f in all_figures])
    def scan(f: Figures) -> str:
        floor, scan_s = median(f.analyze, 2), median(f.analyze, 5)
        return f"{scan_s:.1f} s = {scan_s / floor:.2f}x floor 1" if floor else "-"

    row("  SCAN alone (server time)", [scan(f) for f in all_figures])
    row("  floor 1 + SCAN", [against(f, 2, 5) for f in all_figures])
    row("  floor 2: the server in the scripts", [against(f, 3) for f in all_figures])

    def lua(f: Figures) -> str:  # what the scripts cost beyond SCAN and floor 1: redis.call, packing, lengths
        rest = median(f.analyze, 3) - median(f.analyze, 2) - median(f.analyze, 5)
        return f"{rest:.1f} s = {rest / median(f.analyze, 2):.2f}x floor 1" if median(f.analyze, 2) else "-"

    row("  of which Lua, lengths, redis.call", [lua(f) for f in all_figures])
    row("  the client's CPU", [f"{median(f.analyze, 4):.1f} s" for f in all_figures])

    def quiet(f: Figures) -> str:  # the server's scripts and the client overlap: each on a core of its own
        floor, scan_s = median(f.analyze, 2), median(f.analyze, 5)
        best = max(median(f.analyze, 3), median(f.analyze, 4))
        return f"{best:.1f} s = {best / floor:.2f}x / {best / (floor + scan_s):.2f}x" if floor else "-"

    row("  on idle cores (est.): vs 1 / 1+SCAN", [quiet(f) for f in all_figures])
    row("analyze: keys counted", [f"{f.doc['keys_scanned']:,}" if f.doc else "-" for f in all_figures])
    if all(f.tree for f in all_figures):
        row("tree count: peak RSS", [mib(statistics.median(r[1] for r in f.tree)) for f in all_figures])
        row("tree count: time (CPU)", [f"{median(f.tree, 0):.1f} s ({median(f.tree, 3):.1f} s)" for f in all_figures])
        row(f"tree count: keys (DBSIZE {dbsize:,})", [f"{f.tree[-1][2]['keys']:,}" for f in all_figures])
        row("key list scan: peak RSS", [mib(statistics.median(r[1] for r in f.listing)) for f in all_figures])
        row("key list scan: time (CPU)", [f"{median(f.listing, 0):.1f} s ({median(f.listing, 3):.1f} s)"
                                          for f in all_figures])
        row("key list scan: keys", [f"{f.listing[-1][2]['keys']:,}" for f in all_figures])


def compare_memkeys(doc: dict, memkeys: dict[str, tuple[int, int]]) -> bool:
    print(f"\n{'type':<8} {'keys (cli)':>12} {'keys (tui)':>12} {'bytes (cli)':>16} {'bytes (tui)':>16}")
    equal = True
    for kind in ("string", "list", "set", "zset", "hash", "stream"):
        cli_keys, cli_bytes = memkeys.get(kind, (0, 0))
        tui = doc["by_type"].get(kind, {"keys": 0, "bytes": 0})
        equal = equal and cli_keys == tui["keys"]
        print(f"{kind:<8} {cli_keys:>12,} {tui['keys']:>12,} {cli_bytes:>16,} {tui['bytes']:>16,}")
    return equal


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=10_000_000)
    parser.add_argument("--kind", choices=["redis", "valkey"], default=None)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement (median reported)")
    parser.add_argument("--compare", type=Path, help="another checkout to measure the same way (e.g. main)")
    parser.add_argument("--skip-memkeys", action="store_true")
    parser.add_argument("--skip-lists", action="store_true", help="analyze only (no tree count, no key list scan)")
    args = parser.parse_args()
    if not shutil.which("redis-cli"):
        raise SystemExit("redis-cli not found on PATH")
    codes = [("this checkout", ROOT)]
    if args.compare:
        codes.append((f"{args.compare.name}", args.compare.resolve()))

    with EmbeddedServer(args.kind, {"enable-debug-command": "yes"}) as server:
        r = redis.Redis(port=server.port)
        info = r.info("server")
        version = info.get("valkey_version") or info.get("redis_version")
        print(f"server: {server.kind} {version} on port {server.port}; cores: {os.cpu_count()}; "
              f"load average {os.getloadavg()[0]:.2f} (other processes share these cores)")
        print(f"building {args.keys:,} keys ... {build(server.port, args.keys):.1f} s; "
              f"DBSIZE {r.dbsize():,}; used_memory {r.info('memory')['used_memory_human']}")
        dbsize = r.dbsize()
        all_figures = [Figures(label) for label, _code in codes]
        for _ in range(args.repeat):
            for figures, (_label, code) in zip(all_figures, codes, strict=True):
                measure(figures, code, server.port, server.url, not args.skip_lists)
        report(all_figures, dbsize)
        if not args.skip_memkeys:
            memkeys_s, memkeys = run_memkeys(server.port)
            print(f"\nredis-cli --memkeys: {memkeys_s:.1f} s; analyze ({all_figures[0].label}): "
                  f"{statistics.median(run[0] for run in all_figures[0].analyze):.1f} s")
            doc = all_figures[0].doc
            assert doc is not None
            equal = compare_memkeys(doc, memkeys)
            total = sum(keys for keys, _bytes in memkeys.values())
            print(f"exact counts: {'equal' if equal else 'DIFFERENT'} "
                  f"(redis-cli {total:,} keys, analyze {doc['keys_scanned']:,}, DBSIZE {dbsize:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
