"""A `Snapshot` or `Outage` as a small JSON document, and documents as compressed keyframes and deltas.

A document holds what cannot be recomputed: every INFO field, the CONFIG GET values the poller kept
(secrets already replaced by ``(set)``), the client list, the slow log, notes and their times. The
rest of a `Snapshot` (server, memory, clients, keyspace, command stats) is parsed again from INFO on
read, exactly as the poller does; rates come from the previous snapshot; history from the stored
series.

Storage: a keyframe is the whole document, zlib-compressed. A delta holds only what differs from the
snapshot before it (changed INFO fields — an integer as its difference, a ``calls=…,usec=…`` line as
its changed parts —, changed config values, a new client list…), compressed with the keyframe's INFO
and config and the delta before it as zlib's preset dictionary, so field names and the shape of a
delta cost next to nothing. Decoding a snapshot applies
the deltas since its keyframe (at most `store.KEYFRAME_EVERY` - 1). `bench/bench_record.py` measured this
against zlib and lzma of whole documents and deltas from the keyframe: see README "Record and replay".
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from typing import Any

from redis_tui.core import parse
from redis_tui.core.models import ClientListCost, ClientRow, Outage, Problem, SlowEntry, Snapshot, Update

Doc = dict[str, Any]
LEVEL = 6
_SIMPLE = ("client_list", "client_list_at", "client_list_cost", "slowlog", "slowlog_at", "notes", "own_addr")


class CodecError(ValueError):
    """A stored blob that cannot be decoded (a damaged or foreign file)."""


# --- Update ↔ document ---------------------------------------------------------------------------
def to_doc(update: Update) -> Doc:
    """The JSON-able document of one update (secrets are not in a Snapshot: the poller masks them)."""
    if isinstance(update, Outage):
        p = update.problem
        return {"outage": {"id": p.id, "summary": p.summary, "detail": p.detail, "source": p.source,
                           "cause": p.cause, "evidence": [list(e) for e in p.evidence]},
                "since": update.since, "attempts": update.attempts, "retry_at": update.retry_at}
    s = update
    cost = s.client_list_cost
    return {
        "t": s.taken_at,
        "info": {section: dict(fields) for section, fields in s.info.items()},
        "config": dict(s.config),
        "client_list": None if s.client_list is None else [list(row) for row in s.client_list],
        "client_list_at": s.client_list_at,
        "client_list_cost": None if cost is None else [cost.every_s, cost.floor_s, cost.server_s, cost.reply_s,
                                                       cost.parse_s, cost.clients],
        "slowlog": None if s.slowlog is None else [
            [e.id, e.at, e.duration_us, [a.decode("latin-1") for a in e.args], e.client_addr, e.client_name]
            for e in s.slowlog],
        "slowlog_at": s.slowlog_at,
        "notes": [_problem_doc(n) for n in s.notes],
        "own_addr": s.own_addr,
    }


def _problem_doc(p: Problem) -> Doc:
    return {"id": p.id, "summary": p.summary, "detail": p.detail, "source": p.source, "cause": p.cause,
            "evidence": [list(e) for e in p.evidence]}


def _problem(d: Mapping[str, Any]) -> Problem:
    return Problem(str(d["id"]), str(d.get("summary", "")), str(d.get("detail", "")), str(d.get("source", "")),
                   str(d.get("cause", "")), tuple((str(k), v) for k, v in d.get("evidence", ())))


def from_doc(doc: Mapping[str, Any], taken_at: float | None = None) -> Update:
    """The update a document holds (a Snapshot without rates, totals or history: `Recording` adds them)."""
    try:
        if "outage" in doc:
            return Outage(_problem(doc["outage"]), float(doc["since"]), int(doc["attempts"]), float(doc["retry_at"]))
        info = {str(k): {str(f): str(v) for f, v in fields.items()} for k, fields in doc["info"].items()}
        config = {str(k): str(v) for k, v in doc.get("config", {}).items()}
        rows = doc.get("client_list")
        cost = doc.get("client_list_cost")
        slow = doc.get("slowlog")
        return Snapshot(
            taken_at=float(doc["t"] if taken_at is None else taken_at),
            server=parse.server_from(info),
            memory=parse.memory_from(info, config),
            clients=parse.clients_from(info, config),
            keyspace=parse.keyspace_from(info),
            commands=parse.commands_from(info),
            client_list=None if rows is None else tuple(ClientRow(*row) for row in rows),
            client_list_at=doc.get("client_list_at"),
            client_list_cost=None if cost is None else ClientListCost(*cost),
            config=config,
            info=info,
            notes=tuple(_problem(n) for n in doc.get("notes", ())),
            own_addr=doc.get("own_addr"),
            slowlog=None if slow is None else tuple(
                SlowEntry(int(e[0]), int(e[1]), int(e[2]), tuple(a.encode("latin-1") for a in e[3]), str(e[4]),
                          str(e[5])) for e in slow),
            slowlog_at=doc.get("slowlog_at"),
        )
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise CodecError(f"a recorded snapshot cannot be read: {exc}") from exc


# --- keyframes and deltas -------------------------------------------------------------------------
def _number(text: str) -> int | None:
    """The integer a field holds when it is written canonically ("42", "-3": it prints back the same), else None."""
    if not text.lstrip("-").isdigit() or len(text) > 40:
        return None
    try:
        number = int(text)
    except ValueError:
        return None
    return number if str(number) == text else None


def _parts(text: str) -> dict[str, str] | None:
    """A ``k=v,k=v`` field (commandstats, latencystats, keyspace…) as a dict, when it rebuilds exactly."""
    if "=" not in text:
        return None
    parts = dict(p.partition("=")[::2] for p in text.split(","))
    return parts if _join(parts) == text else None


def _join(parts: Mapping[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in parts.items())


def field_change(old: str, new: str) -> Any:
    """How `new` differs from `old`: an int (the difference of two integers), a dict (the changed parts of a
    ``k=v,…`` field), or the new text."""
    a, b = _number(old), _number(new)
    if a is not None and b is not None:
        return b - a
    before, after = _parts(old), _parts(new)
    if before is not None and after is not None and list(before) == list(after):
        return {k: field_change(before[k], v) for k, v in after.items() if before[k] != v}
    return new


def apply_change(old: str, change: Any) -> str:
    """The field `field_change(old, new)` came from."""
    if isinstance(change, int):
        return str(int(old) + change)
    if isinstance(change, dict):
        parts = _parts(old) or {}
        for k, c in change.items():
            parts[k] = apply_change(parts[k], c)
        return _join(parts)
    return str(change)


def diff(base: Doc, doc: Doc) -> Doc:
    """What `doc` changes from `base` (the snapshot before it): ``{"t", "info": {section: {field: change}},
    "gone": [[section, field]], "config": {…changed}, "config_gone": […], and each other part that differs}``."""
    out: Doc = {"t": doc["t"]}
    info: dict[str, dict[str, Any]] = {}
    gone: list[list[str]] = []
    base_info = base["info"]
    for section, fields in doc["info"].items():
        old = base_info.get(section, {})
        changed = {f: (field_change(old[f], v) if f in old else v) for f, v in fields.items() if old.get(f) != v}
        if changed:
            info[section] = changed
        gone.extend([section, f] for f in old if f not in fields)
    gone.extend([section, ""] for section in base_info if section not in doc["info"])
    if info:
        out["info"] = info
    if gone:
        out["gone"] = gone
    config, old_config = doc["config"], base["config"]
    changed_config = {k: v for k, v in config.items() if old_config.get(k) != v}
    if changed_config:
        out["config"] = changed_config
    dropped = [k for k in old_config if k not in config]
    if dropped:
        out["config_gone"] = dropped
    for name in _SIMPLE:
        if doc.get(name) != base.get(name):
            out[name] = doc.get(name)
    return out


def copy(doc: Doc) -> Doc:
    """A copy of `doc` that `apply` may change (INFO sections and config copied; the rest is replaced whole)."""
    return {**doc, "info": {section: dict(fields) for section, fields in doc["info"].items()},
            "config": dict(doc["config"])}


def apply(doc: Doc, delta: Mapping[str, Any]) -> Doc:
    """Change `doc` in place into the document `diff(doc, new)` came from; returns it."""
    info = doc["info"]
    for section, field in delta.get("gone", ()):
        if field:
            info.get(section, {}).pop(field, None)
        else:
            info.pop(section, None)
    for section, fields in delta.get("info", {}).items():
        target = info.setdefault(section, {})
        for name, change in fields.items():
            target[name] = apply_change(target[name], change) if name in target else str(change)
    config = doc["config"]
    for name in delta.get("config_gone", ()):
        config.pop(name, None)
    config.update(delta.get("config", {}))
    doc["t"] = delta["t"]
    for name in _SIMPLE:
        if name in delta:
            doc[name] = delta[name]
    return doc


def patch(base: Doc, delta: Mapping[str, Any]) -> Doc:
    """The document `diff(base, doc)` came from (`base` is not changed)."""
    return apply(copy(base), delta)


def dumps(doc: Mapping[str, Any]) -> bytes:
    """A document as compact UTF-8 JSON."""
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()


def dictionary_of(doc: Mapping[str, Any]) -> bytes:
    """The preset dictionary a keyframe gives its deltas: its INFO and config as JSON (zlib uses 32 KB)."""
    return dumps({"info": doc.get("info", {}), "config": doc.get("config", {})})[-32768:]


def encode_key(doc: Mapping[str, Any]) -> tuple[bytes, bytes]:
    """(the compressed keyframe, the dictionary its deltas are compressed with)."""
    return zlib.compress(dumps(doc), LEVEL), dictionary_of(doc)


def encode_delta(delta: Mapping[str, Any], dictionary: bytes, previous: bytes = b"") -> tuple[bytes, bytes]:
    """(the delta compressed with its keyframe's dictionary and the delta before it as zlib's preset dictionary,
    its plain bytes: the `previous` of the next delta). Consecutive deltas change the same fields, so the one
    before gives the next one its whole shape."""
    plain = dumps(delta)
    packer = zlib.compressobj(LEVEL, zdict=(dictionary + previous)[-32768:])
    return packer.compress(plain) + packer.flush(), plain


def decode_key(blob: bytes) -> tuple[Doc, bytes]:
    """(the keyframe's document, the dictionary of its deltas)."""
    try:
        doc: Doc = json.loads(zlib.decompress(blob))
    except (zlib.error, ValueError) as exc:
        raise CodecError(f"a recorded keyframe cannot be read: {exc}") from exc
    return doc, dictionary_of(doc)


def decode_delta(blob: bytes, dictionary: bytes, previous: bytes = b"") -> tuple[Doc, bytes]:
    """(the delta `encode_delta` wrote, its plain bytes)."""
    try:
        unpacker = zlib.decompressobj(zdict=(dictionary + previous)[-32768:])
        plain = unpacker.decompress(blob) + unpacker.flush()
        result: Doc = json.loads(plain)
        return result, plain
    except (zlib.error, ValueError) as exc:
        raise CodecError(f"a recorded snapshot cannot be read: {exc}") from exc
