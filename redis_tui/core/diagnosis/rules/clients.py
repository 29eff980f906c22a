"""Client and traffic rules: rejected connections, blocked clients, hit ratio, slow commands,
output buffers, and commands the ACL forbids."""

from __future__ import annotations

from redis_tui.core.diagnosis import permissions
from redis_tui.core.diagnosis.situation import MB, Situation
from redis_tui.core.display import safe_text
from redis_tui.core.findings import WARNING, Finding
from redis_tui.core.format import human_bytes, human_duration, percent

OWN_CLIENT_PREFIX = "redis-tui"  # redis-tui names every connection it opens redis-tui or redis-tui-<what>


def by_redis_tui(client_name: str) -> bool:
    """True for a connection redis-tui opened itself: its own work is never a finding."""
    return client_name.startswith(OWN_CLIENT_PREFIX)


def rejected_connections(s: Situation) -> Finding | None:
    """Connections refused since the baseline (maxclients reached)."""
    rejected = s.increase("stats", "rejected_connections")
    if rejected is None or rejected < s.limits.rejected_connections_min:
        return None
    c = s.now.clients
    evidence = {"rejected_in_window": rejected, "window_s": round(s.window_s, 1),
                "rejected_connections_total": c.rejected, "connected_clients": c.connected, "maxclients": c.maxclients}
    detail = (f"{rejected} connections rejected in {s.window}; "
              f"connected_clients {c.connected} of maxclients {c.maxclients}")
    return s.finding("rejected-connections", WARNING, evidence, detail, {"rejected": rejected, "window": s.window})


def blocked_clients(s: Situation) -> Finding | None:
    """Many clients waiting in BLPOP, XREAD BLOCK, WAIT…"""
    blocked = s.now.clients.blocked
    if blocked < s.limits.blocked_clients:
        return None
    evidence = {"blocked_clients": blocked, "connected_clients": s.now.clients.connected,
                "threshold": s.limits.blocked_clients}
    detail = f"blocked_clients {blocked} of {s.now.clients.connected} connected"
    return s.finding("blocked-clients", WARNING, evidence, detail, {"blocked": blocked})


def low_hit_ratio(s: Situation) -> Finding | None:
    """Few lookups find their key, over the window, or since start when the window saw too few."""
    hits, misses = s.increase("stats", "keyspace_hits"), s.increase("stats", "keyspace_misses")
    when = f"in {s.window}"
    if hits is None or misses is None or hits + misses < s.limits.hit_ratio_min_lookups:
        hits, misses = s.number("stats", "keyspace_hits"), s.number("stats", "keyspace_misses")
        when = f"since the server started ({human_duration(s.now.server.uptime_s)} ago) or its stats were reset"
    lookups = hits + misses
    if lookups < s.limits.hit_ratio_min_lookups or 100.0 * hits / lookups >= s.limits.hit_ratio_pct:
        return None
    ratio = hits / lookups
    evidence = {"hit_ratio_pct": round(ratio * 100, 1), "keyspace_hits": hits, "keyspace_misses": misses,
                "lookups": lookups, "measured": when}
    detail = f"{percent(ratio)} of {lookups} lookups found their key {when} ({hits} hits, {misses} misses)"
    return s.finding("low-hit-ratio", WARNING, evidence, detail,
                     {"ratio": percent(ratio), "lookups": lookups, "when": when})


def slow_commands(s: Situation) -> Finding | None:
    """SLOWLOG entries from the last `slowlog_window_s` seconds (server clock), except
    redis-tui's own (its analyze scripts, for one)."""
    if not s.now.slowlog:
        return None
    now = s.server_time()
    recent = [e for e in s.now.slowlog if now - e.at <= s.limits.slowlog_window_s and not by_redis_tui(e.client_name)]
    if len(recent) < s.limits.slow_commands_min:
        return None
    slowest = max(recent, key=lambda e: e.duration_us)
    command = safe_text(b" ".join(slowest.args), 80)
    evidence = {"count": len(recent), "window_s": s.limits.slowlog_window_s, "slowest_us": slowest.duration_us,
                "slowest_command": command, "slowest_client": safe_text(slowest.client_addr, 60),
                "slowest_at": slowest.at, "slowlog_log_slower_than_us": s.config("slowlog-log-slower-than")}
    window = human_duration(s.limits.slowlog_window_s)
    ms = f"{slowest.duration_us / 1000:.1f} ms"
    detail = f"{len(recent)} SLOWLOG entries in the last {window}; slowest {ms}: {command}"
    return s.finding("slow-commands", WARNING, evidence, detail,
                     {"window": window, "slowest": ms, "command": command})


def client_output_buffer(s: Situation) -> Finding | None:
    """A client whose unsent replies (omem) pile up: a stuck MONITOR or a slow subscriber
    (redis-tui's own MONITOR is left to its guard)."""
    if not s.now.client_list:
        return None
    limit = s.limits.client_output_buffer_mb * MB
    heavy = sorted((c for c in s.now.client_list if c.omem >= limit and not by_redis_tui(c.name)),
                   key=lambda c: -c.omem)
    if not heavy:
        return None
    top = heavy[0]
    name, addr = safe_text(top.name, 60), safe_text(top.addr, 60)
    evidence = {"client_id": top.id, "addr": addr, "name": name, "cmd": safe_text(top.cmd, 40), "omem": top.omem,
                "flags": top.flags, "age_s": top.age_s, "clients_over_limit": len(heavy)}
    label = f"id={top.id} {addr}" + (f" ({name})" if name else "")
    detail = (f"client {label} cmd={evidence['cmd']} holds omem {human_bytes(top.omem)} "
              f"(limit {human_bytes(limit)}); {len(heavy)} client(s) over the limit")
    return s.finding("client-output-buffer", WARNING, evidence, detail,
                     {"client": label, "omem": human_bytes(top.omem)})


def permission_denied(s: Situation) -> Finding | None:
    """Commands the ACL forbids (poller notes): which panes degrade, and the rule to add."""
    denied = [n for n in s.now.notes if n.id == "permission-denied"]
    commands = sorted({permissions.denied_command(n.detail, n.source) or n.source for n in denied})
    if not commands:
        return None
    degraded = {c: permissions.what_degrades(c) for c in commands}
    rules = " ".join(permissions.acl_rule(c) for c in commands)
    evidence = {"denied_commands": commands, "degraded": degraded, "user": s.ctx.get("user"), "acl_rules": rules}
    detail = "; ".join(f"{c.upper()} denied: no {what}" for c, what in degraded.items())
    return s.finding("permission-denied", WARNING, evidence, detail, permissions.hint_values(commands))


RULES = (rejected_connections, blocked_clients, low_hit_ratio, slow_commands, client_output_buffer, permission_denied)
