"""Replication from INFO: a master's replicas and backlog, a replica's link to its master. Pure; never raises.

`replication_of(snapshot)` reads one server's ``INFO replication`` (+ ``sync_*`` from stats, and
``replica-serve-stale-data`` / ``replica-read-only`` from CONFIG when read). `links(snapshots)`
joins both ends of every master → replica link among the servers polled (one server, a cluster,
a Sentinel group): the master's view (state, acknowledged offset, seconds since the last ack)
and the replica's own (link status, how long it has been down, sync progress). Roles are said
``master`` / ``replica`` (INFO's ``slave`` never shows).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from redis_tui.core.models import Snapshot
from redis_tui.core.parse import parse_fields, to_float, to_int

MASTER, REPLICA = "master", "replica"


@dataclass(frozen=True)
class ReplicaEntry:
    """One ``slaveN:`` line of a master: a replica as its master sees it."""

    addr: str  # "ip:port" as the replica announced it
    state: str  # online | wait_bgsave | send_bulk | …
    offset: int  # the offset the replica acknowledged
    lag_s: float | None  # seconds since its last acknowledgement


@dataclass(frozen=True)
class Replication:
    """One server's replication: its role, offset and backlog; as a master its replicas, as a replica its link."""

    role: str = MASTER  # master | replica
    offset: int | None = None  # master_repl_offset
    replicas: tuple[ReplicaEntry, ...] = ()
    backlog_size: int | None = None
    backlog_used: int | None = None  # repl_backlog_histlen
    backlog_active: bool = False
    sync_full: int | None = None
    sync_partial_ok: int | None = None
    sync_partial_err: int | None = None
    # as a replica
    master: str | None = None  # "host:port" of its master
    link: str = ""  # up | down | connecting…
    link_down_s: int | None = None  # master_link_down_since_seconds (None while up)
    last_io_s: int | None = None  # master_last_io_seconds_ago
    syncing: bool = False  # master_sync_in_progress
    sync_total: int | None = None  # bytes of the RDB being received
    sync_read: int | None = None
    replica_offset: int | None = None  # slave_repl_offset: what it has processed
    read_only: bool | None = None  # replica-read-only
    serve_stale: bool | None = None  # replica-serve-stale-data

    @property
    def backlog_use(self) -> float | None:
        """Share of the backlog holding history (0-1), None when unknown."""
        if not self.backlog_size or self.backlog_used is None:
            return None
        return min(1.0, self.backlog_used / self.backlog_size)

    @property
    def sync_progress(self) -> float | None:
        """Share of the initial sync received (0-1) while syncing with a known size."""
        if not self.syncing or not self.sync_total or self.sync_read is None:
            return None
        return min(1.0, self.sync_read / self.sync_total)


def _yes(value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    return value.strip().lower() in ("yes", "1")


def replication_of(snapshot: Snapshot) -> Replication:
    """The replication state in `snapshot` (a master without replicas has an empty `replicas`)."""
    section = snapshot.info.get("replication", {})
    stats = snapshot.info.get("stats", {})
    role = REPLICA if section.get("role") == "slave" else MASTER
    replicas = []
    for name, value in section.items():
        numbered = name.startswith(("slave", "replica")) and name.rstrip("0123456789") != name
        if not numbered or "ip=" not in value:
            continue
        fields = parse_fields(value)
        replicas.append(ReplicaEntry(
            addr=f"{fields.get('ip', '?')}:{fields.get('port', '?')}", state=fields.get("state", "?"),
            offset=to_int(fields.get("offset")), lag_s=to_float(fields.get("lag"))))
    master = None
    if role == REPLICA and section.get("master_host"):
        master = f"{section['master_host']}:{section.get('master_port', '?')}"
    config = snapshot.config
    read_only = _yes(config.get("replica-read-only") or config.get("slave-read-only") or
                     section.get("slave_read_only") or section.get("replica_read_only"))
    down = to_int(section.get("master_link_down_since_seconds"), None)
    return Replication(
        role=role,
        offset=to_int(section.get("master_repl_offset"), None),
        replicas=tuple(replicas),
        backlog_size=to_int(section.get("repl_backlog_size"), None),
        backlog_used=to_int(section.get("repl_backlog_histlen"), None),
        backlog_active=section.get("repl_backlog_active") == "1",
        sync_full=to_int(stats.get("sync_full"), None),
        sync_partial_ok=to_int(stats.get("sync_partial_ok"), None),
        sync_partial_err=to_int(stats.get("sync_partial_err"), None),
        master=master,
        link=section.get("master_link_status", "") if role == REPLICA else "",
        link_down_s=down if down is not None and down >= 0 and role == REPLICA else None,
        last_io_s=to_int(section.get("master_last_io_seconds_ago"), None),
        syncing=section.get("master_sync_in_progress") == "1",
        sync_total=to_int(section.get("master_sync_total_bytes"), None),
        sync_read=to_int(section.get("master_sync_read_bytes"), None),
        replica_offset=to_int(section.get("slave_repl_offset") or section.get("replica_repl_offset"), None),
        read_only=read_only if role == REPLICA else None,
        serve_stale=_yes(config.get("replica-serve-stale-data") or config.get("slave-serve-stale-data"))
        if role == REPLICA else None,
    )


@dataclass(frozen=True)
class Link:
    """One master → replica link, from whichever ends were polled."""

    master: str  # "host:port"
    replica: str
    state: str = ""  # the master's word for it (online, wait_bgsave, send_bulk…), "" when the master is not polled
    offset: int | None = None  # the replica's offset (acknowledged to the master, else its own)
    lag_bytes: int | None = None  # master_repl_offset - that offset
    lag_s: float | None = None  # seconds since the replica's last ack (the master's ``lag=``)
    link: str = ""  # the replica's master_link_status, "" when the replica is not polled
    link_down_s: int | None = None
    syncing: bool = False
    sync_progress: float | None = None
    read_only: bool | None = None
    serve_stale: bool | None = None

    @property
    def broken(self) -> bool:
        """The link is down, or the master does not count the replica online."""
        return self.link not in ("", "up") or self.state not in ("", "online")


@dataclass(frozen=True)
class MasterLine:
    """A master's side of replication, for the view's header lines."""

    addr: str
    offset: int | None
    replicas: int
    backlog_size: int | None
    backlog_use: float | None
    sync_full: int | None
    sync_partial_ok: int | None
    sync_partial_err: int | None


def links(snapshots: Mapping[str, Snapshot]) -> tuple[list[MasterLine], list[Link]]:
    """Every master polled (with its backlog) and every link between the servers polled, masters in address order.

    A replica whose master is not polled still has its row (its own view); a replica a master lists
    but that is not polled has the master's view only.
    """
    repl = {addr: replication_of(snap) for addr, snap in snapshots.items()}
    masters = []
    out: dict[tuple[str, str], Link] = {}
    for addr in sorted(repl):
        r = repl[addr]
        if r.role != MASTER:
            continue
        masters.append(MasterLine(addr, r.offset, len(r.replicas), r.backlog_size, r.backlog_use,
                                  r.sync_full, r.sync_partial_ok, r.sync_partial_err))
        for entry in r.replicas:
            lag = max(0, r.offset - entry.offset) if r.offset is not None and entry.state == "online" else None
            out[(addr, entry.addr)] = Link(addr, entry.addr, entry.state, entry.offset, lag, entry.lag_s)
    for addr in sorted(repl):
        r = repl[addr]
        if r.role != REPLICA:
            continue
        master = r.master or "?"
        seen = out.get((master, addr))
        if seen is None:  # the master is not polled (or does not list it): the replica's own offset
            ahead = repl[master].offset if master in repl else None
            offset = r.replica_offset
            lag = max(0, ahead - offset) if ahead is not None and offset is not None else None
            seen = Link(master, addr, offset=offset, lag_bytes=lag)
        out[(master, addr)] = dataclasses.replace(
            seen, link=r.link, link_down_s=r.link_down_s, syncing=r.syncing, sync_progress=r.sync_progress,
            read_only=r.read_only, serve_stale=r.serve_stale)
    return masters, sorted(out.values(), key=lambda link: (link.master, link.replica))
