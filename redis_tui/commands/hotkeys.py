"""``redis-tui analyze --hotkeys [--json] [--duration S]``: the hottest keys.

With an LFU maxmemory-policy: every key's OBJECT FREQ, read by a read-only server-side script
one batch at a time (`core/insight/hotkeys.LfuScan`), like ``redis-cli --hotkeys`` but with far
fewer round trips. Otherwise: a MONITOR sample of ``--duration`` seconds (default 10) counting
the first key of each command (`commands/hotkeys_monitor`). On a cluster every primary is read
at once and the lists merged; behind Sentinel, the master. Exit 0, 1 when a node could not be
read (the rest is printed), 2 with one line for bad arguments, a refused command or a server
that cannot be reached.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Mapping, Sequence

from redis_tui.commands.cluster import (
    NOT_A_CLUSTER,
    keyed_primaries,
    node_target,
    probe_cluster,
    read_topology,
    remap_of,
)
from redis_tui.commands.hotkeys_monitor import Sample, SampleFailed
from redis_tui.commands.output import emit
from redis_tui.core.connection import make_client
from redis_tui.core.display import redis_repr
from redis_tui.core.errors import classify
from redis_tui.core.format import thousands
from redis_tui.core.insight.hotkeys import BATCH, LFU, SECONDS, TOP, HotKeys, LfuScan, is_lfu, merge, read_policy
from redis_tui.core.models import Problem
from redis_tui.core.target import Target
from redis_tui.settings import Settings

USAGE_EXIT, INCOMPLETE_EXIT = 2, 1
CLIENT_NAME = "redis-tui-hotkeys"
TIMEOUT = 5.0
# analyze's flags that mean nothing for hot keys
NOT_WITH_HOTKEYS = ("match", "type", "sample", "delimiter", "depth")


class HotkeysFailed(Exception):
    """One line for the user (the problem classified, with the ACL rule for a NOPERM)."""


def check_arguments(args: argparse.Namespace) -> str | None:
    """The usage error of a bad combination of flags, None when they go together."""
    if not args.hotkeys:
        return "--duration is the length of the MONITOR sample of --hotkeys: add --hotkeys" \
            if args.duration is not None else None
    given = [f"--{name}" for name in NOT_WITH_HOTKEYS if getattr(args, name, None) not in (None, False)]
    if given:
        return f"--hotkeys lists the hottest keys of the whole keyspace: not with {', '.join(given)}"
    if args.duration is not None and not 0 < args.duration <= 3600:
        return f"--duration: seconds, above 0 and at most 3600, got {args.duration:g}"
    return None


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Find the hot keys and print them; the exit code."""
    batch = args.batch or BATCH
    pause = (args.pause or 0.0) / 1000
    top = args.top or TOP
    seconds = args.duration if args.duration is not None else SECONDS
    try:
        cluster = False if args.node_only else asyncio.run(probe_cluster(settings.target, TIMEOUT, CLIENT_NAME))
        if args.cluster and cluster is False:
            print(f"redis-tui analyze: {NOT_A_CLUSTER}", file=sys.stderr)
            return USAGE_EXIT
        result = asyncio.run(find(settings.target, bool(cluster), batch=batch, pause=pause, top=top, seconds=seconds,
                                  scripts=not args.no_scripts, announce=True, parallel=args.parallel or 1,
                                  remap=remap_of(settings.section("cluster"))))
    except HotkeysFailed as failed:
        print(f"redis-tui analyze: {failed}", file=sys.stderr)
        return USAGE_EXIT
    emit(json.dumps(result.to_json(), indent=2) if args.json else render(result, settings.target.display()))
    return 0 if result.complete else INCOMPLETE_EXIT


async def find(target: Target, cluster: bool, *, batch: int = BATCH, pause: float = 0.0, top: int = TOP,
               seconds: float = SECONDS, scripts: bool = True, announce: bool = False,
               remap: Mapping[str, str] | None = None, parallel: int = 1) -> HotKeys:
    """The hot keys of `target` (every primary when `cluster`); raises `HotkeysFailed`."""
    nodes = await _nodes(target, remap or {}) if cluster else [("", target)]
    policies = await asyncio.gather(*(_policy(where) for _, where in nodes))
    if all(is_lfu(policy) for policy in policies):
        return await scan_nodes(nodes, batch=batch, pause=pause, top=top, scripts=scripts, parallel=parallel)
    if announce:
        print(f"redis-tui analyze: maxmemory-policy is {policies[0] or 'unknown'}, not an LFU policy: counting keys "
              f"in a {seconds:g} s MONITOR sample{' of every primary' if cluster else ''}", file=sys.stderr)
    try:
        return await Sample(nodes, seconds, top).run()
    except SampleFailed as failed:
        raise HotkeysFailed(problem_line(failed.problem, "MONITOR")) from None


async def scan_nodes(nodes: Sequence[tuple[str, Target]], *, batch: int = BATCH, pause: float = 0.0, top: int = TOP,
                     scripts: bool = True, parallel: int = 1) -> HotKeys:
    """The LFU scan of each node at once, merged; raises `HotkeysFailed` when a node fails."""
    async def one(label: str, where: Target) -> HotKeys:
        client = make_client(where, client_name=CLIENT_NAME)
        try:
            return await LfuScan(client, batch=batch, pause=pause, top=top, node=label, scripts=scripts,
                                 parallel=parallel).run()
        except Exception as exc:  # noqa: BLE001 - one classified line
            raise HotkeysFailed(problem_line(classify(exc, where, connected=True), "OBJECT FREQ", label)) from None
        finally:
            await client.aclose()

    return merge(await asyncio.gather(*(one(label, where) for label, where in nodes)), top)


async def _nodes(seed: Target, remap: Mapping[str, str]) -> list[tuple[str, Target]]:
    try:
        topology = await read_topology(seed, remap, TIMEOUT, CLIENT_NAME)
    except Exception as exc:  # noqa: BLE001 - one classified line
        problem = classify(exc, seed)
        raise HotkeysFailed(f"cannot read the cluster topology: {problem.summary} ({problem.id})") from None
    out = []
    for node in keyed_primaries(topology):
        where = node_target(seed, node)
        if where is not None:
            out.append((node.addr, where))
    if not out:
        raise HotkeysFailed("the cluster has no primary to read")
    return out


async def _policy(target: Target) -> str:
    client = make_client(target, client_name=CLIENT_NAME, connect_timeout=TIMEOUT)
    try:
        return await read_policy(client)
    except Exception as exc:  # noqa: BLE001 - one classified line
        raise HotkeysFailed(problem_line(classify(exc, target), "INFO")) from None
    finally:
        await client.aclose()


def problem_line(problem: Problem, command: str, node: str = "") -> str:
    """A failure in one line; a NOPERM names the command and the ACL rule to add."""
    where = f" on {node}" if node else ""
    if problem.id == "permission-denied":
        rule = "+" + command.lower().replace(" ", "|")
        return (f"{command}{where} is not permitted for this user (NOPERM): add {rule} to its ACL "
                f"(ACL SETUSER <user> {rule})")
    detail = f": {problem.detail}" if problem.detail and problem.id in ("error", "connection-error") else ""
    return f"{problem.summary}{where} ({problem.id}){detail}"


def render(result: HotKeys, target: str) -> str:
    """The text report: redis-cli's --hotkeys summary, with where it came from."""
    lines = [f"redis-tui analyze --hotkeys {target}"]
    if result.method == LFU:
        lines.append(f"LFU counters (OBJECT FREQ) of every key, read in {result.seconds:.2f} s")
    else:
        lines.append(f"MONITOR sample of {result.seconds:.1f} s: {thousands(result.sampled)} commands, "
                     "counted by their first key")
    if result.nodes:
        lines.append(f"Cluster: {len(result.nodes)} primaries read concurrently, lists merged: "
                     + ", ".join(result.nodes))
    if not result.complete:
        lines.append("INCOMPLETE: a node could not be read to the end; the list covers what was read")
    lines += ["", "-------- summary -------", ""]
    if result.method == LFU:
        lines.append(f"Sampled {result.sampled} keys in the keyspace!")
    word = "counter" if result.method == LFU else "hits"
    lines += [f"hot key found with {word}: {hot.count}\tkeyname: {redis_repr(hot.key)}" for hot in result.keys]
    if not result.keys:
        lines.append("no key was used" if result.method != LFU else "no key in the keyspace")
    return "\n".join(lines)
