"""Reading a recording: the update of each node at any moment, a window of them, the events, a timeline.

    rec = Recording.open("redis.rec")
    rec.start, rec.end, rec.nodes            # wall-clock bounds; "" is the only server of a one-server file
    rec.at(t)                                # {node: Snapshot | Outage} as it was at t (rates, history rebuilt)
    for t, node, update in rec.between(a, b):  # in time order, rates from the update before
    rec.events(a, b)                         # [Event]
    rec.overview(200)                        # [Bucket(t, used_memory, ops, outage)] for a timeline

A seek reads one index entry, the keyframe and the deltas since it (at most 299; keyframes and the last
document of each node are cached, so stepping forward costs one delta), so jumping anywhere in a
day-long recording takes milliseconds (`bench/bench_record.py`).
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis_tui.core.events import Event
from redis_tui.core.models import History, Outage, Snapshot, Totals, Update
from redis_tui.core.rates import add_totals, compute_rates
from redis_tui.core.record import codec
from redis_tui.core.record.store import DELTA, KEY, OUTAGE, RecordingError, check_header

HISTORY = 300
_ROW = "SELECT id, t, kind, base, blob FROM snapshots"


@dataclass(frozen=True)
class Bucket:
    """One column of a timeline: its start, the highest used memory (summed over nodes), the mean ops/s
    (summed over nodes), and whether any node was unreachable in it."""

    t: float
    used_memory: int
    ops: float
    outage: bool


class Recording:
    """A recording opened for reading (it may still be written to by a running `record`)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, header: dict[str, Any]) -> None:
        self.conn = conn
        self.path = path
        self.header = header
        self._keys: OrderedDict[int, tuple[codec.Doc, bytes]] = OrderedDict()
        self._last: dict[str, tuple[int, int, codec.Doc, bytes]] = {}  # node → (row, keyframe, doc, delta) last read

    @classmethod
    def open(cls, path: str | Path) -> Recording:
        """Open `path`; RecordingError (with a one-line reason) when it is missing, not a recording, or newer."""
        path = Path(path)
        if not path.is_file():
            raise RecordingError(f"{path}: no such recording")
        try:
            conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, check_same_thread=False)
        except sqlite3.OperationalError:
            try:
                conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            except sqlite3.Error as exc:
                raise RecordingError(f"{path}: cannot open: {exc}") from exc
        try:
            header = check_header(conn, path)
        except RecordingError:
            conn.close()
            raise
        return cls(conn, path, header)

    def close(self) -> None:
        """Close the file."""
        self.conn.close()

    def __enter__(self) -> Recording:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- what is in it ---------------------------------------------------------------------------
    @property
    def targets(self) -> list[str]:
        """The masked targets recorded."""
        return list(self.header.get("targets", []))

    @property
    def interval(self) -> float:
        """The polling interval the recorder used."""
        return float(self.header.get("interval", 1.0))

    @property
    def nodes(self) -> list[str]:
        """Every node recorded ("" for the only server of a one-server recording)."""
        nodes = self.conn.execute("SELECT value FROM header WHERE key = 'nodes'").fetchone()
        if nodes is not None:
            return list(json.loads(nodes[0]))
        return [r[0] for r in self.conn.execute("SELECT DISTINCT node FROM snapshots")]

    @property
    def start(self) -> float | None:
        """Time of the first snapshot (None: nothing recorded yet)."""
        row = self.conn.execute("SELECT MIN(t) FROM snapshots").fetchone()
        return None if row[0] is None else float(row[0])

    @property
    def end(self) -> float | None:
        """Time of the last snapshot."""
        row = self.conn.execute("SELECT MAX(t) FROM snapshots").fetchone()
        return None if row[0] is None else float(row[0])

    # --- single moments -------------------------------------------------------------------------
    def at(self, t: float, nodes: Iterable[str] | None = None, history: int = HISTORY) -> dict[str, Update]:
        """Each node's update at or before `t` (nodes with none before `t` are left out): a Snapshot with its
        rates (from the snapshot before it) and `history` points of history, or an Outage."""
        out: dict[str, Update] = {}
        for node in self.nodes if nodes is None else nodes:
            rows = self.conn.execute(f"{_ROW} WHERE node = ? AND t <= ? ORDER BY t DESC LIMIT 2",
                                     (node, t)).fetchall()
            if not rows:
                continue
            before = self._decode(node, rows[1]) if len(rows) > 1 else None  # first: the next one is one delta on
            update = self._decode(node, rows[0])
            if isinstance(update, Snapshot):
                update = with_rates(update, before if isinstance(before, Snapshot) else None)
                if history:
                    update = dataclasses.replace(update, history=self.history(node, rows[0][1], history))
            out[node] = update
        return out

    def history(self, node: str, t: float, points: int = HISTORY) -> History:
        """The dashboard's sparkline values for `node` over the `points` snapshots up to `t`."""
        rows = self.conn.execute(
            "SELECT used_memory, ops, hit_ratio, net_in, net_out FROM snapshots WHERE node = ? AND t <= ? "
            "AND kind != ? ORDER BY t DESC LIMIT ?", (node, t, OUTAGE, points)).fetchall()
        rows.reverse()
        columns: list[list[float]] = [[], [], [], [], []]
        for row in rows:
            for i, value in enumerate(row):
                if value is None:
                    value = columns[i][-1] if columns[i] else 0.0
                elif i == 2:
                    value /= 100.0  # stored in 1/10,000: the ring holds percent
                columns[i].append(float(value))
        used, ops, ratio, net_in, net_out = (tuple(c) for c in columns)
        return History(ops=ops, used_memory=used, hit_ratio=ratio, net_in=net_in, net_out=net_out)

    def times(self, a: float, b: float, node: str | None = None) -> list[float]:
        """The snapshot times in [a, b] (of one node, or of all), for stepping through a recording."""
        if node is None:
            rows = self.conn.execute("SELECT t FROM snapshots WHERE t BETWEEN ? AND ? ORDER BY t", (a, b))
        else:
            rows = self.conn.execute("SELECT t FROM snapshots WHERE node = ? AND t BETWEEN ? AND ? ORDER BY t",
                                     (node, a, b))
        return [float(r[0]) for r in rows]

    # --- windows --------------------------------------------------------------------------------
    def between(self, a: float, b: float, nodes: Iterable[str] | None = None
                ) -> Iterator[tuple[float, str, Update]]:
        """Every (time, node, update) with a time in [a, b], oldest first (an outage's time is when it was seen);
        snapshots carry rates from the one before (the one just before `a` too) and totals counted from `a`."""
        wanted = None if nodes is None else set(nodes)
        previous: dict[str, Snapshot | None] = {}
        totals: dict[str, Totals] = {}
        for row_node, row in self._rows(a, b):
            if wanted is not None and row_node not in wanted:
                continue
            if row_node not in previous:
                before = self.conn.execute(f"{_ROW} WHERE node = ? AND t < ? ORDER BY t DESC LIMIT 1",
                                           (row_node, row[1])).fetchone()
                decoded = self._decode(row_node, before) if before else None
                previous[row_node] = decoded if isinstance(decoded, Snapshot) else None
                totals[row_node] = Totals()
            update = self._decode(row_node, row)
            if isinstance(update, Snapshot):
                prior = previous[row_node]
                totals[row_node] = add_totals(totals[row_node], update.info, prior.info if prior else None)
                update = dataclasses.replace(with_rates(update, prior), totals=totals[row_node])
                previous[row_node] = update
            else:
                previous[row_node] = None
            yield row[1], row_node, update

    def _rows(self, a: float, b: float) -> Iterator[tuple[str, tuple[Any, ...]]]:
        cursor = self.conn.execute("SELECT node, id, t, kind, base, blob FROM snapshots WHERE t BETWEEN ? AND ? "
                                   "ORDER BY t, id", (a, b))
        for row in cursor:
            yield row[0], row[1:]

    def events(self, a: float | None = None, b: float | None = None, kinds: Iterable[str] | None = None) -> list[Event]:
        """The events in [a, b] (all by default; only `kinds` when given), oldest first."""
        sql = "SELECT t, kind, node, severity, summary, payload FROM events WHERE t BETWEEN ? AND ?"
        args: list[Any] = [float("-inf") if a is None else a, float("inf") if b is None else b]
        if kinds is not None:
            kinds = list(kinds)
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            args += kinds
        rows = self.conn.execute(sql + " ORDER BY t, id", args).fetchall()
        return [Event(at=t, kind=kind, node=node, severity=severity, summary=summary, payload=json.loads(payload))
                for t, kind, node, severity, summary, payload in rows]

    def event_near(self, t: float, forward: bool = True, kinds: Iterable[str] | None = None,
                   severity: str | None = None) -> Event | None:
        """The first event after `t` (or the last before it), optionally of `kinds` / `severity` only."""
        sql = "SELECT t, kind, node, severity, summary, payload FROM events WHERE " + ("t > ?" if forward else "t < ?")
        args: list[Any] = [t]
        if kinds is not None:
            kinds = list(kinds)
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            args += kinds
        if severity is not None:
            sql += " AND severity = ?"
            args.append(severity)
        row = self.conn.execute(sql + (" ORDER BY t, id LIMIT 1" if forward else " ORDER BY t DESC, id DESC LIMIT 1"),
                                args).fetchone()
        if row is None:
            return None
        return Event(at=row[0], kind=row[1], node=row[2], severity=row[3], summary=row[4], payload=json.loads(row[5]))

    def overview(self, buckets: int = 200, a: float | None = None, b: float | None = None) -> list[Bucket]:
        """The recording (or [a, b]) in `buckets` columns: peak memory and mean ops/s summed over the nodes,
        and whether a node was down. Columns a minute wide or more read the per-minute table (a day is 1,440
        rows a node), narrower ones the snapshots."""
        a = self.start if a is None else a
        b = self.end if b is None else b
        if a is None or b is None:
            return []
        buckets = max(buckets, 1)
        width = max((b - a) / buckets, 1e-9)
        if width >= 60:
            rows = self.conn.execute(
                "SELECT MAX(MIN(CAST((minute * 60 - ?) / ? AS INTEGER), ?), 0) AS k, node, MAX(used_memory), "
                "SUM(ops_sum) * 1.0 / MAX(SUM(ops_n), 1), MAX(outage) FROM minutes WHERE minute BETWEEN ? AND ? "
                "GROUP BY k, node ORDER BY k", (a, width, buckets - 1, int(a // 60), int(b // 60))).fetchall()
        else:
            rows = self.conn.execute(
                "SELECT MIN(CAST((t - ?) / ? AS INTEGER), ?) AS k, node, MAX(used_memory), AVG(ops), MAX(kind = ?) "
                "FROM snapshots WHERE t BETWEEN ? AND ? GROUP BY k, node ORDER BY k",
                (a, width, buckets - 1, OUTAGE, a, b)).fetchall()
        merged: dict[int, list[Any]] = {}
        for k, _node, memory, ops, outage in rows:
            slot = merged.setdefault(k, [0, 0.0, False])
            slot[0] += memory or 0
            slot[1] += ops or 0.0
            slot[2] = slot[2] or bool(outage)
        return [Bucket(a + k * width, int(m), float(o), bool(down)) for k, (m, o, down) in sorted(merged.items())]

    # --- decoding -------------------------------------------------------------------------------
    def _key(self, row_id: int) -> tuple[codec.Doc, bytes]:
        cached = self._keys.get(row_id)
        if cached is not None:
            self._keys.move_to_end(row_id)
            return cached
        row = self.conn.execute("SELECT blob FROM snapshots WHERE id = ? AND kind = ?", (row_id, KEY)).fetchone()
        if row is None:
            raise RecordingError(f"{self.path}: a keyframe is missing (id {row_id})")
        decoded = codec.decode_key(row[0])
        self._keys[row_id] = decoded
        if len(self._keys) > 16:
            self._keys.popitem(last=False)
        return decoded

    def _doc(self, node: str, row_id: int, base: int, blob: bytes) -> codec.Doc:
        """The document of a delta row: its keyframe patched with every delta of `node` up to it."""
        key, dictionary = self._key(base)
        last = self._last.get(node)
        if last is not None and last[1] == base and base <= last[0] < row_id:
            _, _, doc, previous = last
            start = last[0]
        else:
            doc, start, previous = key, base, b""
        rows = self.conn.execute("SELECT id, blob FROM snapshots WHERE node = ? AND id > ? AND id < ? AND kind = ? "
                                 "ORDER BY id", (node, start, row_id, DELTA)).fetchall()
        doc = codec.copy(doc)  # the cached documents stay as they are: from_doc keeps their dicts
        for _, earlier in [*rows, (row_id, blob)]:
            delta, previous = codec.decode_delta(earlier, dictionary, previous)
            codec.apply(doc, delta)
        self._last[node] = (row_id, base, doc, previous)
        return doc

    def _decode(self, node: str, row: tuple[Any, ...]) -> Update:
        row_id, t, kind, base, blob = row
        try:
            if kind == OUTAGE:
                return codec.from_doc(json.loads(zlib.decompress(blob)))
            if kind == KEY:
                return codec.from_doc(self._key(row_id)[0], t)
            if kind == DELTA:
                return codec.from_doc(self._doc(node, row_id, base, blob), t)
        except (zlib.error, ValueError, KeyError, TypeError) as exc:
            raise RecordingError(f"{self.path}: a damaged snapshot at {t}: {exc}") from exc
        raise RecordingError(f"{self.path}: an unknown snapshot kind {kind}")


def with_rates(update: Snapshot, before: Snapshot | None) -> Snapshot:
    """`update` with the rates over the time since `before` (none without it)."""
    if before is None:
        return update
    rates = compute_rates(update.info, before.info, update.taken_at - before.taken_at, update.commands,
                          before.commands, update.total_keys, before.total_keys)
    return dataclasses.replace(update, rates=rates)


__all__ = ["Bucket", "Outage", "Recording", "RecordingError", "with_rates"]
