"""The recording file: one SQLite database (WAL) of snapshots and events, written one interval at a time.

Tables: ``header`` (key → JSON value: format version, redis-tui version, masked targets, nodes,
interval, thresholds, started), ``snapshots`` (time, node, kind: keyframe/delta/outage, the keyframe it
refers to, a few integer figures for the timeline — used memory, ops/s, hit ratio in 1/10,000, network
in/out — and the compressed blob; rows go in time order, one index on time), ``events`` (time, kind,
node, severity, summary, payload JSON), ``minutes`` (per node and minute: peak memory, ops/s summed and
counted, any outage — what a timeline of a whole day reads).

Safety: WAL with ``synchronous=NORMAL`` and one transaction per interval: a ``kill -9`` or a power cut
loses at most the interval being written, and SQLite never leaves a corrupt file.
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from redis_tui import __version__
from redis_tui.core.events import Event
from redis_tui.core.models import Outage, Snapshot, Update
from redis_tui.core.record import codec
from redis_tui.core.target import scrub

FORMAT_VERSION = 1
KEYFRAME_EVERY = 300  # snapshots per node between keyframes (and at most this many seconds apart)
KEY, DELTA, OUTAGE = 0, 1, 2

SCHEMA = """
CREATE TABLE IF NOT EXISTS header (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    id INTEGER PRIMARY KEY, t REAL NOT NULL, node TEXT NOT NULL, kind INTEGER NOT NULL,
    base INTEGER NOT NULL, used_memory INTEGER, ops INTEGER, hit_ratio INTEGER, net_in INTEGER, net_out INTEGER,
    blob BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS snapshots_t ON snapshots (t);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, t REAL NOT NULL, kind TEXT NOT NULL, node TEXT NOT NULL, severity TEXT NOT NULL,
    summary TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_t ON events (t);
CREATE TABLE IF NOT EXISTS minutes (
    node TEXT NOT NULL, minute INTEGER NOT NULL, used_memory INTEGER NOT NULL, ops_sum INTEGER NOT NULL,
    ops_n INTEGER NOT NULL, outage INTEGER NOT NULL, PRIMARY KEY (node, minute)) WITHOUT ROWID;
"""
MINUTE_UPSERT = """
INSERT INTO minutes VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (node, minute) DO UPDATE SET
    used_memory = MAX(used_memory, excluded.used_memory), ops_sum = ops_sum + excluded.ops_sum,
    ops_n = ops_n + excluded.ops_n, outage = MAX(outage, excluded.outage)
"""


def timeline_figures(update: Snapshot) -> tuple[int, int | None, int | None, int | None, int | None]:
    """The figures kept beside each snapshot for timelines and sparklines, as integers (they take 1-4 bytes in
    SQLite, a float 8): used memory, ops/s, hit ratio in 1/10,000, network in and out in bytes/s."""
    rates = update.rates

    def whole(value: float | None, scale: float = 1.0) -> int | None:
        return None if value is None else round(value * scale)

    return (update.memory.used, whole(rates.ops), whole(rates.hit_ratio, 10_000), whole(rates.net_in),
            whole(rates.net_out))


class RecordingError(Exception):
    """A file that cannot be recorded to or read (missing, not a recording, a newer format, damaged)."""


def check_header(conn: sqlite3.Connection, path: Path) -> dict[str, Any]:
    """The header of the recording `conn` opened; RecordingError when it is none or a newer format."""
    try:
        rows = conn.execute("SELECT key, value FROM header").fetchall()
    except sqlite3.DatabaseError as exc:
        raise RecordingError(f"{path}: not a redis-tui recording ({exc})") from exc
    header = {key: json.loads(value) for key, value in rows}
    version = header.get("format")
    if not isinstance(version, int):
        raise RecordingError(f"{path}: not a redis-tui recording (no format version in its header)")
    if version > FORMAT_VERSION:
        raise RecordingError(f"{path}: recorded in format {version} by redis-tui {header.get('redis_tui', '?')}; "
                             f"this redis-tui ({__version__}) reads format {FORMAT_VERSION} and older: upgrade it")
    return header


class RecordingWriter:
    """Appends snapshots and events to a recording; `commit()` once per interval."""

    def __init__(self, path: str | Path, targets: Iterable[str], interval: float,
                 keyframe_every: int = KEYFRAME_EVERY, secrets: Iterable[str] = (),
                 thresholds: Mapping[str, Any] | None = None) -> None:
        """Create `path` (or append to the recording already there). `targets` are shown masked; every one of
        `secrets` is checked absent from them; `thresholds`: the [thresholds] the recorder diagnosed with."""
        self.path = Path(path)
        self.keyframe_every = keyframe_every
        self._secrets = tuple(s for s in secrets if s)
        existed = self.path.exists() and self.path.stat().st_size > 0
        self._nodes: list[str] = []
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise RecordingError(f"{self.path}: cannot record here: {exc}") from exc
        try:
            if existed:  # never add tables to a file that is not ours
                self._nodes = list(check_header(self.conn, self.path).get("nodes", []))
            if not existed:
                self.conn.execute("PRAGMA auto_vacuum=INCREMENTAL")  # before WAL and the first table, or never
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.executescript(SCHEMA)
        except (sqlite3.Error, RecordingError) as exc:
            self.conn.close()
            if isinstance(exc, RecordingError):
                raise
            raise RecordingError(f"{self.path}: cannot record here: {exc}") from exc
        masked = [self._clean(t) for t in targets]
        header = {"redis_tui": __version__, "targets": masked, "interval": interval,
                  "keyframe_every": keyframe_every, "thresholds": dict(thresholds or {})}
        if not existed:
            header.update(format=FORMAT_VERSION, started=time.time())
        self.conn.execute("BEGIN")
        self.conn.executemany("INSERT OR REPLACE INTO header VALUES (?, ?)",
                              [(k, json.dumps(v)) for k, v in header.items()])
        self.conn.execute("COMMIT")
        self._bases: dict[str, tuple[int, float, codec.Doc, bytes, int, bytes]] = {}
        self._open = False  # self._bases: node → (keyframe id, its time, the last doc, dictionary, count, last delta)

    def _clean(self, text: str) -> str:
        return scrub(text, self._secrets) if self._secrets else text

    def _begin(self) -> None:
        if not self._open:
            self.conn.execute("BEGIN")
            self._open = True

    def add(self, node: str, update: Update, at: float | None = None) -> None:
        """Store one node's update (a keyframe, a delta from the node's snapshot before, or an outage); `at`: when an
        outage was seen (default now; a snapshot carries its own time)."""
        self._begin()
        if node not in self._nodes:
            self._nodes.append(node)
            self.conn.execute("INSERT OR REPLACE INTO header VALUES ('nodes', ?)", (json.dumps(self._nodes),))
        if isinstance(update, Outage):
            self._bases.pop(node, None)  # the next snapshot starts a new keyframe
            blob = zlib.compress(codec.dumps(self._scrub_doc(codec.to_doc(update))))
            seen = time.time() if at is None else at
            self.conn.execute("INSERT INTO snapshots (t, node, kind, base, blob) VALUES (?, ?, ?, 0, ?)",
                              (seen, node, OUTAGE, blob))
            self.conn.execute(MINUTE_UPSERT, (node, int(seen // 60), 0, 0, 0, 1))
            return
        doc = self._scrub_doc(codec.to_doc(update))
        figures = timeline_figures(update)
        ops = figures[1]
        self.conn.execute(MINUTE_UPSERT, (node, int(update.taken_at // 60), figures[0], ops or 0,
                                          0 if ops is None else 1, 0))
        base = self._bases.get(node)
        if base is None or base[4] >= self.keyframe_every or update.taken_at - base[1] >= self.keyframe_every:
            blob, dictionary = codec.encode_key(doc)
            cur = self.conn.execute(
                "INSERT INTO snapshots (t, node, kind, base, used_memory, ops, hit_ratio, net_in, net_out, blob) "
                "VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?)", (update.taken_at, node, KEY, *figures, blob))
            row = int(cur.lastrowid or 0)
            self.conn.execute("UPDATE snapshots SET base = ? WHERE id = ?", (row, row))
            self._bases[node] = (row, update.taken_at, doc, dictionary, 1, b"")
            return
        row, at, previous, dictionary, count, plain = base
        blob, plain = codec.encode_delta(codec.diff(previous, doc), dictionary, plain)
        self.conn.execute("INSERT INTO snapshots (t, node, kind, base, used_memory, ops, hit_ratio, net_in, "
                          "net_out, blob) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (update.taken_at, node, DELTA, row, *figures, blob))
        self._bases[node] = (row, at, doc, dictionary, count + 1, plain)

    def _scrub_doc(self, doc: codec.Doc) -> codec.Doc:
        """The document with any of the target's secrets masked (they should never be there: a last guard)."""
        if not self._secrets:
            return doc
        text = codec.dumps(doc).decode()
        if not any(secret in text for secret in self._secrets):
            return doc
        loaded: codec.Doc = json.loads(scrub(text, self._secrets))
        return loaded

    def add_event(self, event: Event) -> None:
        """Store one event."""
        self._begin()
        payload = self._clean(json.dumps(dict(event.payload), ensure_ascii=False, default=str))
        self.conn.execute("INSERT INTO events (t, kind, node, severity, summary, payload) VALUES (?, ?, ?, ?, ?, ?)",
                          (event.at, event.kind, event.node, event.severity, self._clean(event.summary), payload))

    def commit(self) -> None:
        """End the interval's transaction (what is committed survives a kill -9 or a power cut)."""
        if self._open:
            self.conn.execute("COMMIT")
            self._open = False

    def prune(self, before: float, pages: int = 2000) -> int:
        """Drop snapshots and events older than `before` (keeping, per node, the keyframe the first snapshot
        kept refers to), then give back up to `pages` free pages to the file system; the rows dropped."""
        self.commit()
        self._begin()
        dropped = 0
        for node in list(self._nodes):
            first = self.conn.execute("SELECT base, id FROM snapshots WHERE node = ? AND t >= ? ORDER BY t LIMIT 1",
                                      (node, before)).fetchone()
            if first is None:
                cur = self.conn.execute("DELETE FROM snapshots WHERE node = ? AND t < ?", (node, before))
                self._bases.pop(node, None)
            else:
                keep = first[0] or first[1]
                cur = self.conn.execute("DELETE FROM snapshots WHERE node = ? AND id < ?", (node, keep))
            dropped += cur.rowcount
        dropped += self.conn.execute("DELETE FROM events WHERE t < ?", (before,)).rowcount
        self.conn.execute("DELETE FROM minutes WHERE minute < ?", (int(before // 60),))
        self.commit()
        self.conn.executescript(f"PRAGMA incremental_vacuum({int(pages)});")  # stepped to the end (execute: 1 page)
        return dropped

    def close(self) -> None:
        """Commit what is pending and close the file (the WAL is folded back into it)."""
        try:
            self.commit()
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.conn.close()

