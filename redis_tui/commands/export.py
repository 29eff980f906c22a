"""Export a recording's snapshots (or its events) as CSV or JSON lines, for spreadsheets and other tools.

One row per snapshot and node: ``time`` (local ISO 8601), ``t`` (epoch seconds), ``node`` ("" for the only
server), ``status`` (``ok``, or the finding id of an outage), then the fields asked for: any INFO field by
name (``used_memory``, ``connected_clients``, ``mem_fragmentation_ratio``…) and the computed ``ops`` (ops/s),
``hit_ratio`` (0-1, over the interval), ``keys`` (all databases), ``net_in`` / ``net_out`` (bytes/s).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from redis_tui.core.models import Snapshot, Update
from redis_tui.core.parse import to_float
from redis_tui.core.record.recording import Recording
from redis_tui.core.record.store import RecordingError
from redis_tui.core.record.times import TIME_HELP, TimeError, iso, parse_time

USAGE_EXIT = 2
CONNECTS = False
DEFAULT_FIELDS = ("used_memory", "maxmemory", "ops", "hit_ratio", "connected_clients", "keys", "evicted_keys")
COMPUTED = ("ops", "hit_ratio", "keys", "net_in", "net_out")
EVENT_COLUMNS = ("time", "t", "kind", "node", "severity", "summary", "payload")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """export's options."""
    parser.add_argument("file", metavar="FILE", help="a recording made by redis-tui record")
    parser.add_argument("--format", choices=("csv", "jsonl"), default="csv", help="csv (default) or jsonl")
    parser.add_argument("--between", nargs=2, metavar=("A", "B"), help=f"only [A, B]; each is {TIME_HELP}")
    parser.add_argument("--fields", nargs="+", metavar="FIELD", help="the columns after time, node and status "
                        f"(names or a,b,c): INFO fields by name and {', '.join(COMPUTED)} "
                        f"(default {','.join(DEFAULT_FIELDS)})")
    parser.add_argument("--events", action="store_true", help="export the events instead of the snapshots "
                        f"({', '.join(EVENT_COLUMNS)})")
    parser.add_argument("--node", action="append", metavar="ADDR", help="only this node (repeatable)")
    parser.add_argument("--out", metavar="PATH", help="write here instead of stdout")


def run(settings: object, args: argparse.Namespace) -> int:
    """Write the rows; 0, or 2 with one line for a bad file or time."""
    try:
        with Recording.open(args.file) as rec:
            start, end = rec.start, rec.end
            if start is None or end is None:
                a, b = 0.0, 0.0
            elif args.between:
                a, b = (parse_time(x, end) for x in args.between)
            else:
                a, b = start, end
            with contextlib.ExitStack() as stack:
                out = stack.enter_context(open(args.out, "w", newline="", encoding="utf-8")) if args.out else sys.stdout
                if args.events:
                    write_events(rec, a, b, args.format, out)
                else:
                    fields = field_list(args.fields)
                    write_rows(rows(rec, a, b, fields, args.node), fields, args.format, out)
    except BrokenPipeError:  # `| head`: the reader has what it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (RecordingError, TimeError, OSError) as exc:
        print(f"redis-tui export: {exc}", file=sys.stderr)
        return USAGE_EXIT
    return 0


def field_list(given: list[str] | None) -> list[str]:
    """The field names from ``--fields a b`` or ``--fields a,b`` (the defaults without)."""
    if not given:
        return list(DEFAULT_FIELDS)
    return [name.strip() for item in given for name in item.split(",") if name.strip()]


def value(update: Snapshot, name: str) -> Any:
    """One field of a snapshot: a computed one, else the INFO field of that name (a number when it is one)."""
    if name == "ops":
        return update.rates.ops
    if name == "hit_ratio":
        return update.rates.hit_ratio
    if name == "keys":
        return update.total_keys
    if name in ("net_in", "net_out"):
        return getattr(update.rates, name)
    for fields in update.info.values():
        if name in fields:
            text = fields[name]
            number = to_float(text)
            if number is None:
                return text
            return int(number) if number.is_integer() and "." not in text else number
    return None


def rows(rec: Recording, a: float, b: float, fields: list[str], nodes: list[str] | None) -> Iterator[dict[str, Any]]:
    """One dict per snapshot (or outage) in [a, b]."""
    update: Update
    for t, node, update in rec.between(a, b, nodes):
        row: dict[str, Any] = {"time": iso(t), "t": round(t, 3), "node": node}
        if isinstance(update, Snapshot):
            row["status"] = "ok"
            row.update((name, value(update, name)) for name in fields)
        else:
            row["status"] = update.problem.id
            row.update((name, None) for name in fields)
        yield row


def write_rows(data: Iterator[dict[str, Any]], fields: list[str], fmt: str, out: TextIO) -> None:
    """The rows as CSV (a header line first; empty for unknown) or JSON lines (null for unknown)."""
    if fmt == "jsonl":
        for row in data:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = csv.writer(out)
    writer.writerow(["time", "t", "node", "status", *fields])
    for row in data:
        writer.writerow(["" if v is None else v for v in row.values()])


def write_events(rec: Recording, a: float, b: float, fmt: str, out: TextIO) -> None:
    """The events in [a, b] as CSV (payload as JSON text) or JSON lines (`Event.to_json` and ``time``)."""
    writer = csv.writer(out) if fmt == "csv" else None
    if writer:
        writer.writerow(EVENT_COLUMNS)
    for event in rec.events(a, b):
        data = {"time": iso(event.at), **event.to_json()}
        if writer:
            writer.writerow([data["time"], data["at"], event.kind, event.node, event.severity, event.summary,
                             json.dumps(data["payload"], ensure_ascii=False)])
        else:
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
