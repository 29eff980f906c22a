"""Where the memory goes: keys and bytes by type and prefix, the biggest keys, TTLs.

Usage: ``redis-tui analyze [URL] [conn opts] [--match GLOB] [--type T] [--sample N] [--json]``;
``--hotkeys [--duration S]`` lists the hottest keys instead (commands/hotkeys.py).
Read-only (SCAN and one read-only script per batch; pipelined reads where scripts are not
allowed). Exit 0, or 2 with one line for bad arguments or a server that cannot be reached.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Mapping
from typing import Any

from redis_tui.commands.cluster import NOT_A_CLUSTER, add_cluster_arguments, probe_cluster, remap_of
from redis_tui.commands.output import emit
from redis_tui.core.connection import make_client
from redis_tui.core.display import redis_repr
from redis_tui.core.errors import classify
from redis_tui.core.format import human_bytes, percent, thousands
from redis_tui.core.keyspace.analyze import AnalyzeOptions, Analyzer, Progress, Report, TopKey
from redis_tui.core.keyspace.namespace import DEFAULT_MAX_CHILDREN, DEFAULT_MAX_NODES
from redis_tui.core.keyspace.scan import TYPES
from redis_tui.core.keyspace.settings import KeyspaceSettings
from redis_tui.core.options import COUNT
from redis_tui.settings import Settings

USAGE_EXIT = 2
PROBE_TIMEOUT = 3.0
KEY_WIDTH = 60


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The analyze flags (defaults from [keyspace] in the config file)."""
    group = parser.add_argument_group("analyze")
    group.add_argument("--match", metavar="GLOB", help="only keys matching this SCAN pattern (e.g. 'user:*')")
    group.add_argument("--type", choices=TYPES, help="only keys of this type")
    group.add_argument("--sample", type=COUNT.arg_type(), metavar="N", help="stop after N keys (SCAN order is random)")
    group.add_argument("--json", action="store_true", help="print one JSON document instead of the report")
    group.add_argument("--batch", type=KeyspaceSettings.arg_type("batch"), metavar="N",
                       help="keys per server call (SCAN COUNT); smaller = gentler on a busy server")
    group.add_argument("--pause", type=KeyspaceSettings.arg_type("pause_ms"), metavar="MS",
                       help="milliseconds to wait between batches")
    group.add_argument("--parallel", type=KeyspaceSettings.arg_type("parallel"), metavar="N",
                       help="batches in flight: 1, 2 (default) or 4; more is faster, 1 is gentlest")
    group.add_argument("--top", type=KeyspaceSettings.arg_type("top"), metavar="N",
                       help="how many prefixes and keys to list")
    group.add_argument("--delimiter", type=KeyspaceSettings.arg_type("delimiter"), metavar="D",
                       help="namespace delimiter (default ':')")
    group.add_argument("--depth", type=KeyspaceSettings.arg_type("depth"), metavar="N",
                       help="namespace levels to report")
    group.add_argument("--no-scripts", action="store_true",
                       help="do not use a server-side script (pipelined commands only; slower)")
    add_cluster_arguments(group, "analyze every primary of the cluster concurrently (the default on a cluster)")
    group.add_argument("--hotkeys", action="store_true",
                       help="list the hottest keys instead: OBJECT FREQ of every key with an LFU maxmemory-policy, "
                       "else a MONITOR sample (--duration); JSON: {method, seconds, hotkeys: [{key, freq|hits, type}]}")
    group.add_argument("--duration", type=float, metavar="S",
                       help="with --hotkeys on a server without an LFU policy: seconds of MONITOR sample (default 10)")


def options_from(args: argparse.Namespace, section: Mapping[str, Any]) -> AnalyzeOptions:
    """Command line over the [keyspace] config section over the defaults."""
    settings = KeyspaceSettings.from_section(section, batch=args.batch, pause_ms=args.pause, parallel=args.parallel,
                                             top=args.top, delimiter=args.delimiter, depth=args.depth)
    return settings.analyze_options(match=_bytes(args.match) if args.match else None, type=args.type,
                                    sample=args.sample, server_side=not args.no_scripts)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Run the analysis (or, with --hotkeys, find the hot keys) and print it; the exit code."""
    from redis_tui.commands import hotkeys

    bad = hotkeys.check_arguments(args)
    if bad:
        print(f"redis-tui analyze: {bad} (see 'redis-tui analyze --help')", file=sys.stderr)
        return USAGE_EXIT
    if args.hotkeys:
        return hotkeys.run(settings, args)
    try:
        options = options_from(args, settings.section("keyspace"))
    except ValueError as exc:
        print(f"redis-tui analyze: {exc}", file=sys.stderr)
        return USAGE_EXIT
    if not args.node_only:
        is_cluster = asyncio.run(probe_cluster(settings.target, PROBE_TIMEOUT))  # None: _analyze says why
        if is_cluster:
            return _run_cluster(settings, options, args)
        if args.cluster and is_cluster is False:
            print(f"redis-tui analyze: {NOT_A_CLUSTER}", file=sys.stderr)
            return USAGE_EXIT
    try:
        report = asyncio.run(_analyze(settings, options))
    except _Failed as failed:
        print(f"redis-tui analyze: {failed}", file=sys.stderr)
        return USAGE_EXIT
    emit(json.dumps(report.to_json(), indent=2) if args.json else render(report, settings.target.display()))
    return 0


def _run_cluster(settings: Settings, options: AnalyzeOptions, args: argparse.Namespace) -> int:
    """Every primary at once (commands/analyze_cluster.py); exit 1 when a node's scan could not finish."""
    from redis_tui.commands.analyze_cluster import INCOMPLETE_EXIT, ClusterFailed, analyze_cluster, cluster_lines

    bar = _ProgressBar() if sys.stderr.isatty() else None
    try:
        result = asyncio.run(analyze_cluster(settings.target, options, remap_of(settings.section("cluster")),
                                             progress=bar.update if bar else None))
    except ClusterFailed as failed:
        print(f"redis-tui analyze: {failed}", file=sys.stderr)
        return USAGE_EXIT
    finally:
        if bar:
            bar.close()
    if args.json:
        emit(json.dumps(result.to_json(), indent=2))
    else:
        head, *rest = render(result.report, settings.target.display()).split("\n")
        emit("\n".join([head, *cluster_lines(result), *rest]))
    return 0 if result.complete else INCOMPLETE_EXIT


class _Failed(Exception):
    """The server could not be reached or failed mid-run (message already classified)."""


async def _analyze(settings: Settings, options: AnalyzeOptions) -> Report:
    client = make_client(settings.target, client_name="redis-tui-analyze")
    analyzer = Analyzer(client, options, db=settings.target.db)
    bar = _ProgressBar() if sys.stderr.isatty() else None
    try:
        return await analyzer.run(progress=bar.update if bar else None)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one classified line
        connected = analyzer.keys_scanned > 0
        problem = classify(exc, settings.target, connected=connected)
        generic = problem.id in ("connection-error", "connection-lost", "permission-denied")
        detail = f": {problem.detail}" if generic and problem.detail else ""
        raise _Failed(f"{problem.summary} ({problem.id}){detail}") from None
    finally:
        if bar:
            bar.close()
        await client.aclose()


class _ProgressBar:
    """A rich progress bar on stderr."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        self.bar = Bar(TextColumn("analyzing"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                       TextColumn("{task.fields[keys]} keys"), TimeElapsedColumn(),
                       console=Console(stderr=True), transient=True)
        self.task = self.bar.add_task("analyze", total=1.0, keys="0")
        self.bar.start()

    def update(self, progress: Progress) -> None:
        self.bar.update(self.task, completed=progress.fraction, keys=thousands(progress.keys))

    def close(self) -> None:
        self.bar.stop()


def render(report: Report, target: str) -> str:
    """The human report (key names in redis-cli's quoted form, cut to a readable width)."""
    lines = [f"redis-tui analyze {target}"]
    scope = f"{thousands(report.keys_scanned)} keys scanned"
    if report.sampled and report.keys_scanned and report.dbsize:
        scope += f" (a sample of {thousands(report.dbsize)}: totals below are for the sample only)"
    lines.append(f"{scope}, {human_bytes(report.total_bytes)} in {report.elapsed_s:.2f} s "
                 f"via {report.method}" + ("" if report.complete else " — INCOMPLETE"))
    total_keys, total_bytes = max(1, report.keys_scanned), max(1, report.total_bytes)
    lines += ["", "By type:", f"  {'type':<10} {'keys':>12} {'% keys':>7} {'bytes':>10} {'% bytes':>8}"]
    for total in report.by_type:
        lines.append(f"  {total.type:<10} {thousands(total.keys):>12} {percent(total.keys / total_keys):>7} "
                     f"{human_bytes(total.bytes):>10} {percent(total.bytes / total_bytes):>8}")
    lines += ["", f"Namespaces (by '{report.delimiter.decode('utf-8', 'replace')}'), biggest first:"]
    for branch in report.namespaces:
        keys = thousands(branch.keys) if branch.exact else f">={thousands(branch.keys)}"
        lines.append(f"  {_name(branch.prefix):<{KEY_WIDTH}} {keys:>12} {human_bytes(branch.bytes):>10}")
    if report.folded_prefixes:
        lines.append(f"  ({folded_note(report)})")
    lines += ["", "Biggest keys by memory:"] + [_key_line(top) for top in report.top_by_bytes]
    lines += ["", "Biggest keys by element count:"] + [_key_line(top) for top in report.top_by_length]
    ttl = report.ttl
    lines += ["", f"TTL: {thousands(ttl.persistent)} without expiry, {thousands(ttl.expiring)} expiring in:"]
    lines += [f"  {label:<7} {thousands(count):>12}" for label, count in ttl.histogram]
    if report.duplicates:
        lines.append(f"\n({thousands(report.duplicates)} keys returned twice by SCAN were counted once)")
    return "\n".join(lines)


def folded_note(report: Report) -> str:
    """Why some prefixes are not listed (the tree keeps a bounded number, biggest first)."""
    return (f"{thousands(report.folded_prefixes)}+ more prefixes are not listed on their own: the tree keeps "
            f"{thousands(DEFAULT_MAX_CHILDREN)} under a prefix and {thousands(DEFAULT_MAX_NODES)} in all, a bigger "
            "newcomer taking the place of the smallest; their keys are counted in the prefix above them")


def _key_line(top: TopKey) -> str:
    length = "—" if top.length is None else thousands(top.length)
    ttl = "no ttl" if top.ttl_s is None else f"ttl {top.ttl_s}s"
    return f"  {_name(top.key):<{KEY_WIDTH}} {top.type:<7} {human_bytes(top.bytes):>10} {length:>12}  {ttl}"


def _name(key: bytes) -> str:
    text = redis_repr(key)
    return text if len(text) <= KEY_WIDTH else text[: KEY_WIDTH - 2] + "…\""


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")

