"""What the detail pane says about a key above its value: its name (cut to a few lines), type,
encoding, length, memory and TTL; and how many elements a page of it reads."""

from __future__ import annotations

import time

from rich.cells import chop_cells
from rich.text import Text

from redis_tui.core.display import ELLIPSIS, safe_text
from redis_tui.core.format import human_bytes, human_duration, thousands
from redis_tui.core.keyspace.values import KeyInfo
from redis_tui.ui.keys.value_view import LENGTH_UNIT

NAME_LIMIT = 300
NAME_LINES = 2  # lines of the key's name above its facts (the #key-info box holds 6)
PAGE_BYTES = 4 * 1024 * 1024  # a page of a collection carries about this much at most


def page_size_for(info: KeyInfo, wanted: int) -> int:
    """`wanted` elements a page, fewer when the key's elements are big on average (MEMORY
    USAGE / length): a list of 100 MB items reads one at a time, not 200 (20 GB)."""
    if not info.memory or not info.length:
        return wanted
    return max(1, min(wanted, int(PAGE_BYTES * info.length / info.memory)))


def expiry_text(info: KeyInfo, now: float) -> Text:
    """``TTL 9m58s · expires 2025-11-24 16:09:58`` or ``no expiry``."""
    if info.expires_at is None:
        return Text("no expiry", style="dim")
    left = max(0.0, info.expires_at - now)
    out = Text("TTL ", style="dim")
    out.append(human_duration(left) if left >= 1 else f"{left * 1000:.0f}ms", style="bold yellow")
    out.append(" · expires ", style="dim")
    out.append(time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.expires_at)))
    return out


def name_lines(name: str, width: int | None, lines: int = NAME_LINES) -> str:
    """`name` cut into lines of `width` cells, at most `lines` of them (the last ends with
    ``…`` when the name goes on), so a long name never pushes the facts below out of view."""
    if not width or width < 2:
        return name
    chopped = chop_cells(name, width)
    if len(chopped) > lines:
        chopped = chopped[:lines]
        chopped[-1] = chop_cells(chopped[-1], width - 1)[0] + ELLIPSIS
    return "\n".join(chopped)


def info_text(info: KeyInfo, now: float, width: int | None = None) -> Text:
    """The key's name (escaped; in `width` columns, at most NAME_LINES lines), then what it
    is: type and encoding, length and memory, TTL."""
    out = Text(overflow="fold")
    out.append(name_lines(safe_text(info.key, NAME_LIMIT) or '""', width), style="bold")
    if not info.exists:
        out.append("\nthis key no longer exists", style="bold red")
        return out
    length = (LENGTH_UNIT.get(info.type, "length"), thousands(info.length)) if info.length is not None else None
    lines = (
        (("type", info.type), ("encoding", info.encoding or "?")),
        tuple(part for part in (length, ("memory", human_bytes(info.memory))) if part),
    )
    for parts in lines:
        out.append("\n")
        for index, (label, value) in enumerate(parts):
            out.append(("  " if index else "") + label + " ", style="dim")
            out.append(value, style="bold cyan" if label == "type" else "bold")
    out.append("\n")
    out.append_text(expiry_text(info, now))
    return out
