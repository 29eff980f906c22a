"""Sentinel rules: a Sentinel group's state from one `TopologyUpdate` (its ``sentinel`` part).

Each rule is ``rule(ClusterSituation) -> tuple[Finding, ...]`` like the cluster rules, and says
nothing unless the topology is a Sentinel group. Hints address the master (``{cli}``) and a
Sentinel that answers (``{sentinel_cli}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from redis_tui.core.diagnosis import hints
from redis_tui.core.diagnosis.rules.cluster import ClusterSituation
from redis_tui.core.findings import CRITICAL, WARNING, Finding, Severity
from redis_tui.core.format import human_duration
from redis_tui.core.sentinel_state import SentinelState, clock_time


def _split(addr: str) -> tuple[str, str]:
    host, _, port = addr.rpartition(":")
    return host.strip("[]"), port


def _finding(s: ClusterSituation, state: SentinelState, finding_id: str, severity: Severity,
             evidence: Mapping[str, Any], detail: str, node: str = "",
             values: Mapping[str, Any] | None = None) -> Finding:
    """A finding whose hints name the master (``{cli}``), a Sentinel that answers and the group."""
    ctx: dict[str, Any] = hints.context(s.node_target(state.master) if state.master else s.target, s.kind)
    sentinel = next(iter(state.reachable), None) or next(iter(state.sentinels), None)
    s_host, s_port = _split(sentinel.addr) if sentinel else ("<sentinel-host>", "26379")
    master_host, master_port = _split(state.master) if state.master else ("<master-host>", "<port>")
    ctx.update(name=state.name, master=state.master or "?", master_host=master_host, master_port=master_port,
               sentinel_host=s_host, sentinel_port=s_port,
               sentinel_cli=f"redis-cli -h {s_host} -p {s_port}{ctx['tls_flag']}",
               sentinel_service=f"{s.kind}-sentinel", server_binary=f"{s.kind}-server", kind=s.kind)
    if node:
        where = s.node_target(node)
        ctx.update(node=node, node_host=where.host, node_port=str(where.port))
    title, steps = hints.render(finding_id, {**ctx, **dict(evidence), **(values or {})})
    return Finding(finding_id, severity, title, evidence, steps, detail, node)


def quorum_lost(s: ClusterSituation) -> tuple[Finding, ...]:
    """A Sentinel's CKQUORUM fails (not enough Sentinels to agree, or to authorise a failover), or none answers."""
    state = s.now.sentinel
    if state is None or s.now.topology.kind != "sentinel" or not state.sentinels:
        return ()
    failed = {v.addr: v.ckquorum for v in state.reachable if v.ckquorum_ok is False}
    if not failed and state.reachable:
        return ()
    evidence = {"quorum": state.quorum, "sentinels": len(state.sentinels), "answering": len(state.reachable),
                "ckquorum": failed}
    if failed:
        first = next(iter(failed))
        detail = f"SENTINEL CKQUORUM {state.name} on {first}: {failed[first]}"
    else:
        detail = f"none of the {len(state.sentinels)} Sentinels answers"
    return (_finding(s, state, "sentinel-quorum-lost", CRITICAL, evidence, detail),)


def unreachable(s: ClusterSituation) -> tuple[Finding, ...]:
    """A Sentinel (given, or known to the others) that does not answer us."""
    state = s.now.sentinel
    if state is None or s.now.topology.kind != "sentinel":
        return ()
    out = []
    for view in state.sentinels:
        if view.reachable:
            continue
        silent = s.now.taken_at - view.last_ok if view.last_ok else None
        evidence = {"sentinel": view.addr, "error": view.error, "configured": view.configured,
                    "last_answer_s_ago": round(silent, 1) if silent is not None else None,
                    "flagged_by_others": ",".join(sorted(view.flags))}
        since = f"; last answer {human_duration(silent)} ago" if silent is not None else ""
        out.append(_finding(s, state, "sentinel-unreachable", WARNING, evidence,
                            f"{view.addr}: {view.error or 'no answer'}{since}", view.addr))
    return tuple(out)


def master_down(s: ClusterSituation) -> tuple[Finding, ...]:
    """The Sentinels flag the master subjectively (s_down) or objectively (o_down) down, or +odown is open."""
    state = s.now.sentinel
    if state is None or s.now.topology.kind != "sentinel":
        return ()
    flagged = state.master_down_flags
    if not flagged and not state.odown_open:
        return ()
    flags = sorted(set().union(*flagged.values())) if flagged else ["o_down"]
    evidence = {"master": state.master, "flags": {a: ",".join(sorted(f)) for a, f in flagged.items()},
                "odown_event_open": state.odown_open, "sentinels_flagging": len(flagged)}
    who = f"{len(flagged)} of {len(state.sentinels)} Sentinels" if flagged else "+odown published"
    detail = f"master {state.master}: {','.join(flags)} ({who})"
    return (_finding(s, state, "sentinel-master-down", CRITICAL, evidence, detail, state.master or "",
                     {"flags": ",".join(flags)}),)


def failover_happened(s: ClusterSituation) -> tuple[Finding, ...]:
    """The master moved within the window: old and new address, when, and how long the failover took."""
    state = s.now.sentinel
    if state is None or s.now.topology.kind != "sentinel":
        return ()
    out = []
    for failover in state.failovers:
        if s.now.taken_at - failover.at > s.limits.window_s:
            continue
        evidence = {"name": failover.name, "old": failover.old, "new": failover.new, "at": round(failover.at, 3),
                    "at_local": clock_time(failover.at), "took_s": round(failover.took_s, 2)
                    if failover.took_s is not None else None, "confirmed_by": failover.confirmed_by}
        out.append(_finding(s, state, "failover-happened", WARNING, evidence, failover.text(), failover.new,
                            {"old_host": _split(failover.old)[0]}))
    return tuple(out)


SENTINEL_RULES = (quorum_lost, unreachable, master_down, failover_happened)
