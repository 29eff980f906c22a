"""The hot path: blocks of raw MONITOR lines → counts, filters, aggregates and a sink.

A block is whatever whole lines one socket read brought (``+...\\r\\n`` each). One regex
pass (`findall`, in C) pulls (db, client, command, first argument or its prefix) from every
line; identical rows are counted together, so the Python work per block grows with the
number of *distinct* rows, not lines. Only lines of commands whose first key is not the
first argument (EVAL, XREAD, OBJECT ENCODING...) and lines the fast regex cannot read are
parsed one by one. Lines that pass the filter go to the sink as raw bytes: parsing them
for display is the sink's business, and only for what it shows.
"""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress
from typing import Protocol

from redis_tui.core.monitor.commands import CommandTable, key_of
from redis_tui.core.monitor.filter import Filter, Matcher
from redis_tui.core.monitor.lines import MonitorLine, cut_line, parse_line, unescape
from redis_tui.core.monitor.stats import Window

_SPECIAL = "special"  # verdict for a row whose first key is not its first argument
Row = tuple[bytes, bytes, bytes, bytes]  # the row regex's groups: db, client, command name, first argument
Verdict = tuple[bool, str, bytes | None, str]  # passed, command label, key prefix, client
_HEAD = rb'\n\+[^ \n]* \[(\d+) ([^\]\r\n]*(?:\]:\d+)?)\] "([^"\\\r\n]*)"'
_FULL_ARG = rb'(?: ("[^"\\\r\n]*(?:\\.[^"\\\r\n]*)*)")?'
_ESCAPE_LETTERS = set(b"0123456789abcdefABCDEFxnrtab")
VERDICTS = 10_000  # rows judged and remembered; past it the memory starts afresh (distinct keys rarely repeat)


class Sink(Protocol):
    """Where lines that pass the filter go (the screen's view buffer, or stdout)."""

    def block(self, block: bytes, count: int) -> None:
        """All `count` lines of `block` (``+...\\r\\n`` each) passed."""

    def lines(self, lines: list[bytes]) -> None:
        """These raw lines (``+...``, no CRLF) passed."""


def check_delimiter(delimiter: str) -> bytes:
    """The namespace delimiter as bytes, or ValueError (printable ASCII, no quote or backslash)."""
    raw = delimiter.encode("ascii", "replace")
    if not raw or not delimiter.isascii() or any(b < 0x20 or b > 0x7E or b in b'"\\' for b in raw):
        raise ValueError(f"delimiter must be printable ASCII without quotes or backslashes, got {delimiter!r}")
    return raw


def row_regex(delimiter: bytes, full_key: bool) -> re.Pattern[bytes]:
    """The per-line regex: (db, client, command, first argument up to `delimiter` or whole)."""
    if full_key:
        return re.compile(_HEAD + _FULL_ARG)
    if len(delimiter) == 1:
        cls = rb'[^"\\\r\n' + re.escape(delimiter) + rb"]"
        return re.compile(_HEAD + rb'(?: ("' + cls + rb"*(?:\\." + cls + rb"*)*))?")
    return re.compile(_HEAD + rb'(?: ("(?:(?!' + re.escape(delimiter) + rb')[^"\\\r\n]|\\.)*))?')


class Feed:
    """Processes blocks of MONITOR lines: counts all, filters, aggregates, hands on the rest."""

    def __init__(
        self,
        table: CommandTable,
        window: Window,
        spec: Filter = Filter(),
        *,
        delimiter: bytes = b":",
        sink: Sink | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.table = table
        self.window = window
        self.sink = sink
        self.clock = clock
        self.delimiter = delimiter
        self.set_filter(spec)

    def set_filter(self, spec: Filter) -> None:
        """Use another filter from the next block on."""
        self.matcher = Matcher(spec)
        # the prefix can be cut in the regex only if the delimiter cannot be part of an escape
        self._full_key = self.matcher.needs_key or bool(_ESCAPE_LETTERS & set(self.delimiter))
        self._rows = row_regex(self.delimiter, self._full_key)
        self._verdicts: dict[Row, Verdict | str] = {}

    def feed(self, block: bytes) -> int:
        """Process `block` (whole lines only); returns the number of lines in it."""
        count = block.count(b"\n")
        if not count:
            return 0
        window = self.window
        window.seen += count
        second = int(self.clock())
        rows = self._rows.findall(b"\n" + block)
        if len(rows) != count:
            self._feed_lines(block.split(b"\r\n")[:-1], second)
            return count
        verdicts = self._verdicts
        if len(verdicts) > VERDICTS:
            verdicts.clear()
        decide: dict[Row, bool | None] = {}
        every = True
        special = False
        for row, number in Counter(rows).items():
            verdict = verdicts.get(row)
            if verdict is None:
                verdict = verdicts[row] = self._judge_row(row)
            if isinstance(verdict, str):  # _SPECIAL
                special = True
                decide[row] = None
                continue
            passed, label, prefix, client = verdict
            decide[row] = passed
            if passed:
                window.add(second, label, prefix, client, number)
            else:
                every = False
        if special:
            self._feed_special(block, rows, decide, second)
        elif self.sink is not None:
            if every:
                self.sink.block(block, count)
            else:
                self.sink.lines(list(compress(block.split(b"\r\n"), map(decide.__getitem__, rows))))
        return count

    def _feed_special(self, block: bytes, rows: list[Row], decide: dict[Row, bool | None], second: int) -> None:
        lines = block.split(b"\r\n")
        flags = list(map(decide.__getitem__, rows))
        for index in [i for i, flag in enumerate(flags) if flag is None]:
            flags[index] = self._judge_line(lines[index], second)
        if self.sink is not None:
            self.sink.lines(list(compress(lines, flags)))

    def _feed_lines(self, lines: list[bytes], second: int) -> None:
        passed = [line for line in lines if self._judge_line(line, second)]
        if self.sink is not None and passed:
            self.sink.lines(passed)

    def _judge_row(self, row: Row) -> Verdict | str:
        # `first` is the first argument (or its prefix) with its opening quote; b"" if none
        db_text, client_raw, name, first = row
        spec = self.table.lookup(name, first[1:] if first else None)
        if spec.first_key > 1 or spec.first_key < 0:
            return _SPECIAL
        client = client_raw.decode("utf-8", "backslashreplace")
        key = prefix = None
        if spec.first_key == 1 and first:
            if self._full_key:
                key = unescape(first[1:])
                prefix = key.split(self.delimiter, 1)[0]
            else:
                prefix = unescape(first[1:])
        passed = self.matcher.accepts(int(db_text), client, spec.label, key)
        return passed, spec.label, prefix, client

    def _judge_line(self, raw: bytes, second: int) -> bool:
        line = parse_line(raw)
        if line is None or not line.args:
            return False
        spec = self.table.lookup(line.args[0], line.args[1] if len(line.args) > 1 else None)
        key = key_of(spec, line.args)
        prefix = key.split(self.delimiter, 1)[0] if key is not None else None
        if not self.matcher.accepts(line.db, line.client, spec.label, key):
            return False
        self.window.add(second, spec.label, prefix, line.client, 1)
        return True


@dataclass(frozen=True)
class ViewBatch:
    """Lines for the screen since the last `take()`: newest last, plus how many were skipped."""

    lines: list[MonitorLine]
    dropped: int = 0


class ViewBuffer:
    """The screen's sink: a bounded buffer of raw lines, parsed only when taken.

    Holds at most `size` lines (older ones are dropped and counted), each cut to
    `line_bytes`. While `paused`, nothing is added (counting goes on in the `Feed`).
    """

    def __init__(self, size: int = 10_000, line_bytes: int = 4096) -> None:
        self.size = size
        self.line_bytes = line_bytes
        self.paused = False
        self._lines: deque[bytes] = deque(maxlen=size)
        self._added = 0
        self._delivered = 0

    def block(self, block: bytes, count: int) -> None:
        """See `Sink.block`."""
        if not self.paused:
            self.lines(block.split(b"\r\n")[:-1])

    def lines(self, lines: list[bytes]) -> None:
        """See `Sink.lines`."""
        if self.paused or not lines:
            return
        if max(map(len, lines)) > self.line_bytes:
            cap = self.line_bytes
            lines = [line if len(line) <= cap else cut_line(line, cap) for line in lines]
        self._lines.extend(lines)
        self._added += len(lines)

    def take(self, limit: int | None = None) -> ViewBatch:
        """Parse and hand over the newest lines (at most `limit`); the rest count as dropped."""
        pending = self._added - self._delivered
        self._delivered = self._added
        keep = len(self._lines) if limit is None else min(limit, len(self._lines))
        raw = list(self._lines)[len(self._lines) - keep :] if keep else []
        self._lines.clear()
        parsed = [line for line in map(parse_line, raw) if line is not None]
        return ViewBatch(parsed, pending - len(parsed))

    def clear(self) -> None:
        """Drop what is waiting (the user cleared the view)."""
        self._lines.clear()
        self._delivered = self._added
