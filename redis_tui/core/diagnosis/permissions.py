"""What redis-tui needs from the server's ACL, and what degrades without each command.

`RECIPE` is the least-privilege ACL rule set for a monitoring user (README "ACL for a
monitoring user"); the permission-denied finding names the panes a denied command
degrades and the rule that gives it back.
"""

from __future__ import annotations

import re

# command (as NOPERM names it) → what stops working without it
NEEDED: dict[str, str] = {
    "info": "everything: the dashboard and every finding come from INFO",
    "client|setname": "nothing essential: without it redis-tui's connections stay unnamed in CLIENT LIST",
    "client|info": "leaving the dashboard's own polling out of the MONITOR stream",
    "ping": "the connection check",
    "client|list": "the Clients pane, client-output-buffer, Sentinel detection and the MONITOR output-buffer guard",
    "config|get": "the production checklist, no-password, persistence-disabled, backup-stale and the config screen",
    "memory|stats": "the memory screen's breakdown of used memory",
    "memory|doctor": "MEMORY DOCTOR's advice on the memory screen",
    "pubsub|channels": "the Pub/Sub screen's channels",
    "pubsub|numsub": "the Pub/Sub screen's subscriber counts",
    "pubsub|numpat": "the Pub/Sub screen's pattern count",
    "pubsub|shardchannels": "the Pub/Sub screen's shard channels (Redis 7+)",
    "pubsub|shardnumsub": "the Pub/Sub screen's shard channel subscriber counts (Redis 7+)",
    "slowlog|get": "the slow-commands finding",
    "latency|latest": "the latency screen's latency monitor (L)",
    "latency|history": "the latency screen's chart of each latency event (L)",
    "latency|doctor": "the latency screen's LATENCY DOCTOR text (L)",
    "monitor": "the MONITOR screen and `redis-tui monitor`, and the hot keys of a server without an LFU policy",
    "object|freq": "the hot keys (screen H, `analyze --hotkeys`) of a server with an LFU policy",
    "command": "MONITOR's key prefixes for commands whose first key is not the first argument",
    "scan": "the keyspace browser and `redis-tui analyze`",
    "type": "the keyspace browser and `redis-tui analyze`",
    "memory|usage": "key sizes in the keyspace browser and `redis-tui analyze`",
    "eval_ro": "fast server-side batches for analyze and browsing (without it: slower pipelined commands)",
    "evalsha_ro": "fast server-side batches for analyze and browsing (without it: slower pipelined commands)",
}

# a poller request (Problem.source) → the command it sends
SOURCE_COMMAND = {"client-list": "client|list", "config": "config|get", "slowlog": "slowlog|get"}

# the dashboard, troubleshooting, doctor and MONITOR: no key or value is ever read
MONITORING_RULES = (
    "+ping", "+info", "+client|setname", "+client|list", "+client|info", "+client|id", "+config|get",
    "+slowlog|get", "+slowlog|len", "+latency|latest", "+dbsize", "+select", "+command", "+monitor",
    "+latency|history", "+latency|doctor",  # the latency screen (L)
    "+memory|stats", "+memory|doctor", "+pubsub|channels", "+pubsub|numsub", "+pubsub|numpat",
    "+pubsub|shardchannels", "+pubsub|shardnumsub",
)
# the keyspace browser and analyze: key names, sizes and (to view them) values; still no writes
BROWSING_RULES = (
    "+scan", "+type", "+ttl", "+pttl", "+memory|usage", "+object|encoding", "+object|freq", "+eval_ro", "+evalsha_ro",
    "+strlen", "+hlen", "+llen", "+scard", "+zcard", "+xlen",
    "+get", "+getrange", "+hscan", "+sscan", "+zscan", "+zrange", "+lrange", "+xrange",
)
RECIPE_RULES = ("on", ">CHANGE-ME", "resetkeys", "~*", "resetchannels", "-@all", *MONITORING_RULES, *BROWSING_RULES)
RECIPE = " ".join(RECIPE_RULES)
"""``ACL SETUSER <name> {RECIPE}``: read-only monitoring plus the keyspace browser; no data commands."""

_NOPERM_COMMAND = re.compile(r"'([a-z0-9_|.-]+)' command", re.I)


def denied_command(detail: str, source: str = "") -> str | None:
    """The command a NOPERM message names (``config|get``), else the one `source` sends."""
    match = _NOPERM_COMMAND.search(detail)
    if match:
        return match.group(1).lower()
    return SOURCE_COMMAND.get(source)


def what_degrades(command: str) -> str:
    """The panes and findings that degrade without `command`."""
    if command in NEEDED:
        return NEEDED[command]
    base = command.split("|", 1)[0]
    same = [text for name, text in NEEDED.items() if name.split("|", 1)[0] == base]
    return same[0] if same else f"whatever uses {command.upper()}"


def acl_rule(command: str) -> str:
    """The ACL rule that allows `command`: ``+config|get``."""
    return f"+{command}"


def hint_values(commands: list[str]) -> dict[str, str]:
    """Template values for the permission-denied hints: commands, degraded panes, ACL rules, recipe."""
    return {
        "commands": ", ".join(c.upper() for c in commands) or "a command",
        "rules": " ".join(acl_rule(c) for c in commands) or "<+command>",
        "degraded": "; ".join(what_degrades(c) for c in commands) or "some panes",
        "recipe": RECIPE,
    }
