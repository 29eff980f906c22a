"""Persistence and backups: RDB and AOF state from ``INFO persistence``, ``INFO stats`` and the config
(`save`, `appendonly`, `appendfsync`…), and a BGSAVE followed to its end. Pure: a missing or odd field is a
default (None: unknown), never an exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from redis_tui.core.parse import to_float, to_int

RUNNING, OK, ERR = "running", "ok", "err"


@dataclass(frozen=True)
class SaveRule:
    """One `save` rule: snapshot after `seconds` if at least `changes` keys changed."""

    seconds: int
    changes: int

    def __str__(self) -> str:
        return f"after {self.seconds} s if ≥ {self.changes} change{'s' if self.changes != 1 else ''}"


@dataclass(frozen=True)
class Rdb:
    """RDB snapshots: rules, last save, what is under way."""

    rules: tuple[SaveRule, ...] | None  # None: config not read; (): `save ""` (no snapshots)
    last_save: int | None  # unix time of the last successful save (the start time before the first)
    last_status: str | None  # "ok" / "err"
    changes_since: int | None
    in_progress: bool
    current_s: int | None  # seconds the save under way has taken
    progress: float | None  # 0-1: keys written of the total (or the fork's %), None when unknown
    last_duration_s: int | None  # -1 on the server: never; None here
    last_cow_bytes: int | None
    saves: int | None  # rdb_saves (7.0+): successful saves since start


@dataclass(frozen=True)
class Aof:
    """The append-only file."""

    enabled: bool | None  # None: unknown
    fsync: str | None  # appendfsync: always / everysec / no
    rewrite_in_progress: bool
    rewrite_scheduled: bool
    rewrite_current_s: int | None
    last_rewrite_s: int | None
    last_rewrite_status: str | None
    last_write_status: str | None
    current_bytes: int | None
    base_bytes: int | None
    last_cow_bytes: int | None
    rewrites: int | None


@dataclass(frozen=True)
class Persistence:
    """One node's persistence, at `now` (server clock when known)."""

    rdb: Rdb
    aof: Aof
    fork_us: int | None  # latest_fork_usec
    cow_bytes: int | None  # current_cow_size: copy-on-write of the fork under way
    loading: bool
    now: float
    dir: str | None = None
    dbfilename: str | None = None

    @property
    def last_save_age_s(self) -> float | None:
        """Seconds since the last successful save, None when unknown."""
        if not self.rdb.last_save:
            return None
        return max(0.0, self.now - self.rdb.last_save)


def save_rules(text: str | None) -> tuple[SaveRule, ...] | None:
    """``"3600 1 300 100"`` → rules; ``""`` → () (snapshots off); None (not read) → None. Odd pairs are skipped."""
    if text is None:
        return None
    words = text.replace(",", " ").split()
    rules = []
    for seconds, changes in zip(words[0::2], words[1::2], strict=False):
        s, c = to_int(seconds, None), to_int(changes, None)
        if s is not None and c is not None and s > 0:
            rules.append(SaveRule(s, c))
    return tuple(rules)


def _flag(value: object) -> bool:
    return to_int(value, 0) == 1


def _size(value: object) -> int | None:
    size = to_int(value, None)
    return size if size is not None and size >= 0 else None


def _seconds(value: object) -> int | None:
    seconds = to_int(value, None)
    return seconds if seconds is not None and seconds >= 0 else None


def _status(value: object) -> str | None:
    text = str(value).strip().lower() if value is not None else ""
    return text or None


def rdb_progress(info: Mapping[str, str]) -> float | None:
    """The save under way, 0-1: keys written of the total (7.0+), else the fork's ``current_fork_perc``."""
    done, total = to_int(info.get("current_save_keys_processed"), None), to_int(info.get("current_save_keys_total"),
                                                                                None)
    if done is not None and total:
        return max(0.0, min(1.0, done / total))
    percent = to_float(info.get("current_fork_perc"))
    if percent is not None and percent > 0:
        return max(0.0, min(1.0, percent / 100))
    return None


def persistence_from(info: Mapping[str, str], stats: Mapping[str, str], config: Mapping[str, str],
                     now: float) -> Persistence:
    """INFO persistence and stats fields, CONFIG values (absent: unknown) → `Persistence` at `now`."""
    in_progress = _flag(info.get("rdb_bgsave_in_progress"))
    appendonly = config.get("appendonly")
    enabled: bool | None = _flag(info["aof_enabled"]) if "aof_enabled" in info else (
        appendonly == "yes" if appendonly is not None else None)
    last_save = to_int(info.get("rdb_last_save_time"), None)
    rdb = Rdb(
        rules=save_rules(config.get("save")),
        last_save=last_save if last_save and last_save > 0 else None,
        last_status=_status(info.get("rdb_last_bgsave_status")),
        changes_since=_size(info.get("rdb_changes_since_last_save")),
        in_progress=in_progress,
        current_s=_seconds(info.get("rdb_current_bgsave_time_sec")) if in_progress else None,
        progress=rdb_progress(info) if in_progress else None,
        last_duration_s=_seconds(info.get("rdb_last_bgsave_time_sec")),
        last_cow_bytes=_size(info.get("rdb_last_cow_size")),
        saves=_size(info.get("rdb_saves")),
    )
    rewriting = _flag(info.get("aof_rewrite_in_progress"))
    aof = Aof(
        enabled=enabled,
        fsync=config.get("appendfsync") or None,
        rewrite_in_progress=rewriting,
        rewrite_scheduled=_flag(info.get("aof_rewrite_scheduled")),
        rewrite_current_s=_seconds(info.get("aof_current_rewrite_time_sec")) if rewriting else None,
        last_rewrite_s=_seconds(info.get("aof_last_rewrite_time_sec")),
        last_rewrite_status=_status(info.get("aof_last_bgrewrite_status")),
        last_write_status=_status(info.get("aof_last_write_status")),
        current_bytes=_size(info.get("aof_current_size")),
        base_bytes=_size(info.get("aof_base_size")),
        last_cow_bytes=_size(info.get("aof_last_cow_size")),
        rewrites=_size(info.get("aof_rewrites")),
    )
    fork = to_int(stats.get("latest_fork_usec"), None)
    return Persistence(rdb=rdb, aof=aof, fork_us=fork if fork is not None and fork >= 0 else None,
                       cow_bytes=_size(info.get("current_cow_size")), loading=_flag(info.get("loading")), now=now,
                       dir=config.get("dir") or None, dbfilename=config.get("dbfilename") or None)


@dataclass(frozen=True)
class Bgsave:
    """A BGSAVE redis-tui started: what the node said then, to tell when it is over."""

    started_at: float  # wall clock
    last_save_before: int | None
    saves_before: int | None
    seen_running: bool = False


def bgsave_started(before: Persistence, at: float) -> Bgsave:
    """Follow a BGSAVE sent after `before` was read."""
    return Bgsave(at, before.rdb.last_save, before.rdb.saves, before.rdb.in_progress)


def bgsave_state(watch: Bgsave, now: Persistence) -> tuple[Bgsave, str]:
    """(the watch updated, RUNNING / OK / ERR) for the node's state `now`: over once the node saved since (its
    save counter or last save time moved) or once a save seen running has stopped; ERR when the status says so."""
    if now.rdb.in_progress:
        return Bgsave(watch.started_at, watch.last_save_before, watch.saves_before, True), RUNNING
    counted = now.rdb.saves is not None and watch.saves_before is not None and now.rdb.saves > watch.saves_before
    saved = counted or (now.rdb.last_save or 0) > (watch.last_save_before or 0)
    if saved or watch.seen_running:
        return watch, ERR if now.rdb.last_status == ERR else OK
    if now.rdb.last_status == ERR and now.now - watch.started_at > 2:
        return watch, ERR  # failed before INFO ever showed it running
    return watch, RUNNING  # not visible yet
