"""Safety rules: password, persistence and backups, high availability and replication."""

from __future__ import annotations

import ipaddress
from typing import Any

from redis_tui.core.diagnosis.situation import Situation
from redis_tui.core.findings import CRITICAL, INFO, WARNING, Finding
from redis_tui.core.format import human_duration
from redis_tui.core.parse import parse_fields, to_float, to_int


def loopback_only(s: Situation) -> bool | None:
    """True when the server listens on loopback addresses or a unix socket only (None: unknown)."""
    port, bind = s.config("port"), s.config("bind")
    if port is None or bind is None:
        return None
    if port == "0":
        return True
    addresses = [a.lstrip("-") for a in bind.split()] or ["*"]
    return all(_is_loopback(a) for a in addresses)


def _is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False  # "*", a host name: may be reachable from outside


def no_password(s: Situation) -> Finding | None:
    """The default user needs no password: proven when redis-tui got in without one.

    With credentials we cannot tell (an empty requirepass may go with ``ACL SETUSER default
    off``), so nothing is said; the checklist asks to look.
    """
    proven = s.target.password is None and s.target.username is None
    if not proven or s.config("requirepass") == "(set)":
        return None
    local = loopback_only(s)
    evidence = {"connected_without_password": True, "requirepass_set": False if s.config("requirepass") == "" else None,
                "bind": s.config("bind"), "protected_mode": s.config("protected-mode"), "loopback_only": local}
    where = "listens on loopback only" if local else f"bind {s.config('bind')!r}" if local is False else "bind unknown"
    protected = s.config("protected-mode") or "unknown"
    detail = f"redis-tui connected without a password; {where}, protected-mode {protected}"
    return s.finding("no-password", INFO if local else WARNING, evidence, detail)


def persistence_disabled(s: Situation) -> Finding | None:
    """Neither RDB save rules nor AOF (a cache may want exactly that: info)."""
    save = s.config("save")
    if save is None or save.strip() or s.number("persistence", "aof_enabled") or s.config("appendonly") == "yes":
        return None
    evidence = {"save": save, "appendonly": s.config("appendonly"), "aof_enabled": 0}
    return s.finding("persistence-disabled", INFO, evidence, "save \"\" (no RDB snapshots) and appendonly no")


def rdb_save_failing(s: Situation) -> Finding | None:
    """The last BGSAVE failed; critical when the server refuses writes for it (MISCONF)."""
    status = s.value("persistence", "rdb_last_bgsave_status")
    if status != "err":
        return None
    save, stop = s.config("save"), s.config("stop-writes-on-bgsave-error")
    refusing = (stop or "yes") == "yes" and (save is None or bool(save.strip()))
    last_save = s.number("persistence", "rdb_last_save_time")
    evidence = {
        "rdb_last_bgsave_status": status,
        "rdb_last_save_time": last_save,
        "rdb_changes_since_last_save": s.number("persistence", "rdb_changes_since_last_save"),
        "stop_writes_on_bgsave_error": stop,
        "save": save,
        "dir": s.config("dir"),
        "writes_refused": refusing,
    }
    age = s.server_time() - last_save
    detail = (f"rdb_last_bgsave_status:err, last successful save {human_duration(age)} ago, "
              f"{evidence['rdb_changes_since_last_save']} changes not on disk"
              + ("; writes are refused (MISCONF)" if refusing else ""))
    return s.finding("rdb-save-failing", CRITICAL if refusing else WARNING, evidence, detail,
                     {"status": status}, ("misconf",) if refusing else ())


def aof_write_failing(s: Situation) -> Finding | None:
    """AOF writes failing (writes are refused: critical) or AOF rewrites failing (warning)."""
    write = s.value("persistence", "aof_last_write_status")
    rewrite = s.value("persistence", "aof_last_bgrewrite_status")
    if write != "err" and rewrite != "err":
        return None
    evidence = {"aof_enabled": s.number("persistence", "aof_enabled"), "aof_last_write_status": write,
                "aof_last_bgrewrite_status": rewrite,
                "aof_rewrites_consecutive_failures": s.number("persistence", "aof_rewrites_consecutive_failures"),
                "dir": s.config("dir")}
    what = "writing to the AOF fails; writes are refused" if write == "err" else "rewriting the AOF fails"
    detail = f"aof_last_write_status:{write or '?'}, aof_last_bgrewrite_status:{rewrite or '?'}"
    return s.finding("aof-write-failing", CRITICAL if write == "err" else WARNING, evidence, detail, {"what": what})


def backup_stale(s: Situation) -> Finding | None:
    """RDB snapshots are configured, yet the last successful one is old and data has changed."""
    save = s.config("save")
    if not save or not save.strip() or s.value("persistence", "rdb_last_bgsave_status") == "err":
        return None  # no RDB rules (persistence-disabled says so), or rdb-save-failing does
    last = s.number("persistence", "rdb_last_save_time")
    changes = s.number("persistence", "rdb_changes_since_last_save")
    age = s.server_time() - last
    if changes <= 0 or age < s.limits.backup_max_age_hours * 3600:
        return None
    saved = s.saved_since_start()  # rdb_last_save_time is the start time until the first save
    evidence = {"rdb_last_save_time": last, "age_s": int(age), "rdb_changes_since_last_save": changes,
                "save": save, "dir": s.config("dir"), "saved_since_start": saved}
    when = "no save since the server started" if saved is False else "last successful save"
    detail = f"{when} {human_duration(age)} ago (rdb_last_save_time {last}), {changes} changes since"
    values = {"age": human_duration(age), "changes": changes, "dbfilename": s.config("dbfilename") or "dump.rdb"}
    return s.finding("backup-stale", WARNING, evidence, detail, values)


def replicas(s: Situation) -> list[dict[str, str]]:
    """The master's replicas from INFO replication (``slave0:ip=…,state=online,lag=0``)."""
    out = []
    for name, value in s.now.info.get("replication", {}).items():
        numbered = (name.startswith("slave") or name.startswith("replica")) and name.rstrip("0123456789") != name
        if numbered and "ip=" in value:
            out.append(parse_fields(value))
    return out


def sentinel_clients(s: Situation) -> int | None:
    """Connections named by a Sentinel (sentinel-<id>-cmd), None without CLIENT LIST."""
    if s.now.client_list is None:
        return None
    return sum(1 for c in s.now.client_list if c.name.startswith("sentinel-"))


def no_high_availability(s: Situation) -> Finding | None:
    """A standalone master without replicas or Sentinel (info: fine on a dev box)."""
    if s.now.server.role != "master" or s.now.server.mode == "cluster" or s.target.sentinel:
        return None
    count = len(replicas(s)) or s.number("replication", "connected_slaves")
    sentinels = sentinel_clients(s)
    if count or sentinels:
        return None
    evidence = {"role": "master", "connected_slaves": count, "sentinel_connections": sentinels}
    checked = "no Sentinel connection in CLIENT LIST" if sentinels == 0 else "Sentinel unknown (no CLIENT LIST)"
    return s.finding("no-high-availability", INFO, evidence, f"role master, connected_slaves 0, {checked}")


def replication_broken(s: Situation) -> Finding | None:
    """A replica whose master link is down, or a master whose replica is not online or lags."""
    if s.now.server.role == "slave":
        link = s.value("replication", "master_link_status")
        if link == "up":
            return None
        host, port = s.value("replication", "master_host"), s.value("replication", "master_port")
        down = s.number("replication", "master_link_down_since_seconds", -1)
        evidence: dict[str, Any] = {
            "role": "replica", "master_host": host, "master_port": to_int(port) or None,
            "master_link_status": link, "master_link_down_since_seconds": down if down >= 0 else None,
            "master_sync_in_progress": s.number("replication", "master_sync_in_progress"),
        }
        since = f" for {human_duration(down)}" if down >= 0 else ""
        what = f"the link to master {host}:{port} is {link or 'down'}{since}"
        return s.finding("replication-broken", CRITICAL, evidence, what, {"what": what})
    bad = []
    for replica in replicas(s):
        lag = to_float(replica.get("lag"))
        if replica.get("state") != "online":
            bad.append(f"replica {replica.get('ip')}:{replica.get('port')} is {replica.get('state', '?')}")
        elif lag is not None and lag >= s.limits.replica_lag_s:
            bad.append(f"replica {replica.get('ip')}:{replica.get('port')} lags {lag:.0f}s behind")
    if not bad:
        return None
    what = "; ".join(bad)
    evidence = {"role": "master", "replicas": [dict(r) for r in replicas(s)], "problems": bad}
    return s.finding("replication-broken", WARNING, evidence, what,
                     {"what": what, "master_host": s.ctx.get("host"), "master_port": s.ctx.get("port")})


def master_down(s: Situation) -> Finding | None:
    """A replica without its master that refuses reads (replica-serve-stale-data no → MASTERDOWN)."""
    if s.now.server.role != "slave" or s.value("replication", "master_link_status") == "up":
        return None
    if s.config("replica-serve-stale-data") != "no":
        return None
    host, port = s.value("replication", "master_host"), s.value("replication", "master_port")
    evidence = {"master_host": host, "master_port": to_int(port) or None, "master_link_status":
                s.value("replication", "master_link_status"), "replica_serve_stale_data": "no"}
    detail = f"master {host}:{port} is unreachable and replica-serve-stale-data is no: reads fail with MASTERDOWN"
    return s.finding("master-down", CRITICAL, evidence, detail)


def server_loading(s: Situation) -> Finding | None:
    """The server answers INFO but is still loading its dataset: data commands fail with LOADING."""
    if s.value("persistence", "loading") != "1":
        return None
    pct = s.value("persistence", "loading_loaded_perc") or "?"
    eta = s.number("persistence", "loading_eta_seconds", -1)
    evidence = {"loading": 1, "loading_loaded_perc": to_float(pct), "loading_eta_seconds": eta if eta >= 0 else None,
                "loading_loaded_bytes": s.number("persistence", "loading_loaded_bytes")}
    detail = f"loading:1, {pct}% loaded" + (f", about {human_duration(eta)} to go" if eta >= 0 else "")
    return s.finding("server-loading", CRITICAL, evidence, detail)


RULES = (server_loading, no_password, persistence_disabled, rdb_save_failing, aof_write_failing, backup_stale,
         no_high_availability, replication_broken, master_down)
