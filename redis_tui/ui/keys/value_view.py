"""A key's value as the screen shows it: string previews (text, pretty JSON, hex) and the
rows of a collection page. Everything from the server goes through `safe_text` into plain
`Text` (never markup), cut to a bounded size."""

from __future__ import annotations

from rich.text import Text

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_bytes, thousands
from redis_tui.core.keyspace.values import Element, StringValue, hex_dump, hex_line_width

CELL_LIMIT = 160  # characters shown per value cell
NAME_LIMIT = 32  # characters shown of a hash field (the value gets the rest of the width)
TEXT_LINES = 1000  # lines of a text or JSON string shown
HEX_LIMIT = 16 * 1024  # bytes of a binary string shown as a hex dump

COLUMNS = {
    "hash": ("field", "value"),
    "list": ("index", "value"),
    "set": ("member",),
    "zset": ("rank", "score", "member"),
    "stream": ("id", "fields"),
}

LENGTH_UNIT = {"string": "bytes", "list": "items", "set": "members", "zset": "members", "hash": "fields",
               "stream": "entries"}


def cell(data: bytes | None, size: int | None = None, limit: int = CELL_LIMIT) -> Text:
    """One escaped cell; ``…(4.0K)`` when the server's value was longer than what we hold."""
    text = Text(safe_text(data, limit), no_wrap=True, overflow="ellipsis")
    if size is not None and data is not None and size > len(data):
        text.append(f" …({human_bytes(size)})", style="dim")
    return text


def fields_text(fields: tuple[tuple[bytes, bytes], ...], limit: int = CELL_LIMIT) -> Text:
    """A stream entry's fields: ``name=value  name=value`` (escaped)."""
    out = Text(no_wrap=True, overflow="ellipsis")
    for index, (name, value) in enumerate(fields):
        if index:
            out.append("  ")
        out.append(safe_text(name, 40), style="cyan")
        out.append("=", style="dim")
        out.append(safe_text(value, limit))
    return out


def element_row(kind: str, element: Element) -> tuple[Text, ...]:
    """The cells of one element, in the order of COLUMNS[kind]."""
    value = cell(element.value, element.size)
    if kind == "hash":
        return cell(element.name, limit=NAME_LIMIT), value
    if kind == "list":
        return Text(str(element.index), style="dim"), value
    if kind == "zset":  # a search (ZSCAN) knows no rank: "·"
        rank = "·" if element.index is None else str(element.index)
        return Text(rank, style="dim"), Text(safe_text(element.score, 32), style="cyan"), value
    if kind == "stream":
        return Text(safe_text(element.name, 40), style="cyan"), fields_text(element.fields)
    return (value,)


def foot_text(window: list[Element], total: int | None, *, loaded: int, at_start: bool, at_end: bool,
              dropped: bool = False, ends: bool = False) -> Text:
    """What the value table shows of `total` elements, and how to see the rest:
    ``1–400 of 50,000,000 · scroll down or press M for more · end: the last`` for a list or
    a sorted set (positions), ``400 of 10,000,000 entries shown …`` for a stream,
    ``400 of 10,000,000 loaded …`` for a hash or set (HSCAN / SSCAN order)."""
    foot = Text(no_wrap=True, overflow="ellipsis")
    of = f" of {thousands(total)}" if total is not None else ""
    if ends and window and window[0].index is not None:
        foot.append(f"{thousands(window[0].index + 1)}–{thousands((window[-1].index or 0) + 1)}", style="bold")
        foot.append(of, style="dim")
    elif ends:
        foot.append(thousands(len(window)), style="bold")
        foot.append(f"{of} shown", style="dim")
    else:
        foot.append(thousands(loaded), style="bold")
        foot.append(f"{of} loaded", style="dim")
        if dropped:
            foot.append(f", the last {thousands(len(window))} shown", style="dim")
    if not at_end:
        foot.append(" · scroll down or press M for more", style="dim")
        if ends:
            foot.append(" · end: the last", style="dim")
    if not at_start or dropped:
        foot.append(" · home: the first", style="dim")
    return foot


def string_head(value: StringValue) -> Text:
    """``JSON · 1.2K`` / ``binary · 5.0M, showing the first 16.0K as hex``."""
    kind = value.kind
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append({"json": "JSON", "text": "text", "binary": "binary"}[kind], style="bold")
    out.append(f" · {human_bytes(value.size)}", style="dim")
    shown = min(len(value.data), HEX_LIMIT) if kind == "binary" else len(value.data)
    if shown < value.size:
        how = " as hex" if kind == "binary" else ""
        out.append(f", showing the first {human_bytes(shown)}{how}", style="yellow")
    elif kind == "binary":
        out.append(" as hex", style="dim")
    return out


def hex_layout(columns: int) -> tuple[int, int]:
    """(bytes per line, bytes per hex group) of the widest hex dump that fits in `columns`:
    as many bytes as fit (32, 16, 8, 4), spaced bytes when there is room, else grouped by two."""
    for width in (32, 16, 8):
        for group in (1, 2):
            if hex_line_width(width, group) <= columns:
                return width, group
    return 4, 2


def string_body(value: StringValue, columns: int = 80) -> Text:
    """The preview: indented JSON, escaped text lines, or a hex dump (bounded) that fits
    in `columns`."""
    kind = value.kind
    if kind == "json":
        lines = (value.pretty_json() or "").splitlines()  # ASCII only: json.dumps escapes the rest
    elif kind == "text":
        lines = [safe_text(line, None) for line in value.data.split(b"\n", TEXT_LINES)]
    else:
        lines = hex_dump(value.data[:HEX_LIMIT], *hex_layout(columns)).splitlines()
    more = len(lines) > TEXT_LINES
    body = Text("\n".join(lines[:TEXT_LINES]))
    if more:
        body.append(f"\n… (first {TEXT_LINES} lines)", style="dim")
    return body
