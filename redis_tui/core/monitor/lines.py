"""MONITOR lines: the server's escaping, parsing a line into its fields, and output forms.

The server writes one status reply per command (Redis ``replicationFeedMonitors``)::

    +1700000000.123456 [0 127.0.0.1:50000] "SET" "k\\x00" "v"\\r\\n

The client is ``ip:port``, ``[v6]:port``, ``unix:/path`` or ``lua``; each argument is
quoted the way ``sdscatrepr`` does it: ``\\\\`` ``\\"`` ``\\n`` ``\\r`` ``\\t`` ``\\a``
``\\b``, printable ASCII as is, every other byte as ``\\xNN``. So a line never holds a raw
CR or LF, and ``parse_line`` can give back each argument's exact bytes.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass

_NAMED = {0x5C: b"\\\\", 0x22: b'\\"', 0x0A: b"\\n", 0x0D: b"\\r", 0x09: b"\\t", 0x07: b"\\a", 0x08: b"\\b"}
# byte → its escaped form, exactly as sdscatrepr writes it (isprint in the C locale)
_REPR = [
    _NAMED.get(byte, bytes([byte]) if 0x20 <= byte < 0x7F else b"\\x%02x" % byte) for byte in range(256)
]
_QUOTED = re.compile(rb'"([^"\\]*(?:\\.[^"\\]*)*)"', re.S)
TRUNCATED_MARK = b" ...(truncated)"


def escape_arg(data: bytes) -> bytes:
    """`data` quoted the way the server writes a MONITOR argument (``sdscatrepr``)."""
    return b'"' + b"".join([_REPR[byte] for byte in data]) + b'"'


def unescape(body: bytes) -> bytes:
    """The bytes behind the inside of one quoted argument (``k\\x00`` → ``b"k\\0"``)."""
    if b"\\" not in body:
        return body
    try:
        return codecs.escape_decode(body)[0]
    except ValueError:  # a cut-off line ending in a lone backslash or half an \xNN
        return codecs.escape_decode(body.rsplit(b"\\", 1)[0])[0]


def split_args(text: bytes) -> list[bytes]:
    """``"SET" "k" "v"`` → ``[b"SET", b"k", b"v"]``, escapes undone."""
    if b"\\" not in text and len(text) >= 2 and text[:1] == b'"' and text[-1:] == b'"':
        return text[1:-1].split(b'" "')
    return [unescape(body) for body in _QUOTED.findall(text)]


def cut_line(line: bytes, limit: int) -> bytes:
    """The head of an over-long raw line: whole arguments that fit in `limit` bytes, then
    `TRUNCATED_MARK` (the command name is always kept)."""
    head = line[:limit]
    start = head.find(b'] "')
    if start < 0:
        return head.rstrip(b"\r\n") + TRUNCATED_MARK
    end = start + 1
    for match in _QUOTED.finditer(head, start + 2):
        if match.start() != end + 1:  # arguments are one space apart: anything else is inside one
            break
        end = match.end()
    if end == start + 1:  # not even the command name fits: keep what we have of it
        name = head[start + 3 :].translate(None, b'\\"\r\n')
        return head[: start + 2] + b'"' + name + b'"' + TRUNCATED_MARK
    return head[:end] + TRUNCATED_MARK


@dataclass(frozen=True, slots=True)
class MonitorLine:
    """One command seen by MONITOR. `args[0]` is the command name as the client sent it."""

    ts: str
    db: int
    client: str
    args: tuple[bytes, ...]
    truncated: bool = False

    @property
    def time(self) -> float:
        """Server time of the command (seconds since the epoch)."""
        try:
            return float(self.ts)
        except ValueError:
            return 0.0

    @property
    def command(self) -> str:
        """The command name, upper-cased (``""`` for an empty line)."""
        return self.args[0].decode("ascii", "replace").upper() if self.args else ""


def parse_line(raw: bytes) -> MonitorLine | None:
    """One MONITOR line (with or without the leading ``+`` and trailing CRLF) → `MonitorLine`.

    Returns None for a line that is not a MONITOR record (never raises).
    """
    line = raw.rstrip(b"\r\n")
    truncated = line.endswith(TRUNCATED_MARK)
    if truncated:
        line = line[: -len(TRUNCATED_MARK)]
    if line[:1] == b"+":
        line = line[1:]
    space = line.find(b" [")
    end = line.find(b'] "', space)
    if space <= 0 or end < 0:
        return None
    header = line[space + 2 : end]
    db_text, _, client = header.partition(b" ")
    if not db_text.isdigit():
        return None
    args = split_args(line[end + 2 :])
    return MonitorLine(
        ts=line[:space].decode("ascii", "replace"),
        db=int(db_text),
        client=client.decode("utf-8", "backslashreplace"),
        args=tuple(args),
        truncated=truncated,
    )


def plain_block(block: bytes) -> bytes:
    """Complete ``+...\\r\\n`` lines → redis-cli's output for them (``...\\n`` per line)."""
    if not block:
        return b""
    return block[1:-2].replace(b"\r\n+", b"\n") + b"\n"


def plain_lines(lines: list[bytes]) -> bytes:
    """Raw lines (``+...``, no CRLF) → redis-cli's output for them."""
    if not lines:
        return b""
    return b"\n".join(lines)[1:].replace(b"\n+", b"\n") + b"\n"


def json_record(line: MonitorLine) -> str:
    """One line as the JSON object of ``redis-tui monitor --json`` (no newline).

    ``{"ts", "db", "client", "command", "args"}``; ts is the server's number as written,
    command is upper-cased, args are the remaining arguments as text where each byte that
    is not valid UTF-8 is written ``\\xNN``; ``"truncated": true`` marks a cut-off line.
    """
    args = [arg.decode("utf-8", "backslashreplace") for arg in line.args[1:]]
    ts = line.ts if _is_number(line.ts) else "0"
    text = (
        f'{{"ts": {ts}, "db": {line.db}, "client": {json.dumps(line.client)}, '
        f'"command": {json.dumps(line.command)}, "args": {json.dumps(args)}'
    )
    return text + (', "truncated": true}' if line.truncated else "}")


def json_lines(lines: list[bytes]) -> bytes:
    """Raw lines → `json_record` objects, one per line (ASCII bytes, each ending in newline).

    A line whose arguments hold no escape is printable ASCII without quotes inside its
    arguments, so its quoted arguments already are JSON strings: it is rewritten without
    being parsed. Other lines go through `parse_line`.
    """
    out = []
    clients: dict[bytes, bytes] = {}
    for raw in lines:
        space = raw.find(b" [")
        end = raw.find(b'] "', space)
        args = raw[end + 2 :]
        db, _, client = raw[space + 2 : end].partition(b" ")
        if (space < 0 or end < 0 or b"\\" in args or raw.endswith(TRUNCATED_MARK) or raw[:1] != b"+"
                or not raw[1:space].replace(b".", b"", 1).isdigit() or not db.isdigit()):
            line = parse_line(raw)
            if line is not None:
                out.append(json_record(line).encode("ascii"))
            continue
        quoted = clients.get(client)
        if quoted is None:
            quoted = clients[client] = json.dumps(client.decode("utf-8", "backslashreplace")).encode("ascii")
        close = args.find(b'"', 1)
        rest = args[close + 3 : -1]  # inside the first and last quotes of the other arguments
        if close + 2 < len(args):  # quotes only delimit arguments here: each '" "' is a separator
            rest = b'"' + rest.replace(b'" "', b'", "') + b'"'
        out.append(
            b'{"ts": %s, "db": %s, "client": %s, "command": %s", "args": [%s]}'
            % (raw[1:space], db, quoted, args[:close].upper(), rest)
        )
    out.append(b"")
    return b"\n".join(out)


def _is_number(text: str) -> bool:
    head, _, tail = text.partition(".")
    return head.isdigit() and (tail.isdigit() or not tail)
