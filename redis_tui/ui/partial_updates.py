"""Partial screen updates that write only the cells refreshed: both ends of a region, not one.

`Widget.refresh(region)` marks part of a widget for repainting. Textual 8.2.8 writes each
such span from the start of the widget's piece of the line (its "chop") to the span's end:
it crops the right side of the region but not the left (Textual issue #5625). A figure in
the middle of a pane, a table cell, the newest column at the right of a graph: each rewrote
everything to its left, and two regions on one line of a widget wrote that line twice.

`install()` replaces `ChopsUpdate.render_segments` with the same walk cropping both sides
(at a character boundary, so a wide character is never cut in half). The bytes a partial
update writes are what changed; what the terminal shows is the same (tests/unit/test_partial_updates.py
renders both through a VT emulator). Textual is pinned; on another version nothing is replaced.
"""

from __future__ import annotations

from importlib.metadata import version

from rich.cells import cell_len
from rich.console import Console
from rich.control import Control
from textual._compositor import ChopsUpdate
from textual.strip import Strip

PATCHED_VERSION = "8.2.8"  # the version whose render_segments this replaces (re-check when upgrading)
_original = ChopsUpdate.render_segments


def _char_start(strip: Strip, cells: int) -> int:
    """The largest cell offset <= `cells` that starts a character of `strip`."""
    position = 0
    for segment in strip:
        text = segment.text
        width = cell_len(text)
        if position + width <= cells:
            position += width
            if position == cells:
                return cells
            continue
        for char in text:  # the cut falls inside this segment: step by characters
            char_width = cell_len(char)
            if position + char_width > cells:
                return position
            position += char_width
        return position
    return position


def render_segments(self: ChopsUpdate, console: Console) -> str:
    """`ChopsUpdate.render_segments`, writing only the cells inside each span (x1 to x2)."""
    sequences: list[str] = []
    append = sequences.append
    move_to = Control.move_to
    chops = self.chops
    chop_ends = self.chop_ends
    last_y = self.spans[-1][0]
    for y, x1, x2 in self.spans:
        line = chops[y]
        ends = chop_ends[y]
        for end, (x, strip) in zip(ends, line.items(), strict=False):
            if strip is None or x >= x2 or end <= x1:
                continue
            if x >= x1 and end <= x2:
                append(move_to(x, y).segment.text)
                append(strip.render(console))
                continue
            left = x + _char_start(strip, max(x1, x) - x)
            piece = strip.crop(left - x, min(end, x2) - x)
            append(move_to(left, y).segment.text)
            append(piece.render(console))
        if y != last_y:
            append("\n")
    return "".join(sequences)


def install() -> bool:
    """Use `render_segments` for partial updates (True), if Textual is the version it was written for."""
    if version("textual") != PATCHED_VERSION:
        return False
    ChopsUpdate.render_segments = render_segments  # type: ignore[method-assign]
    return True


def uninstall() -> None:
    """Back to Textual's own (for tests that compare the two)."""
    ChopsUpdate.render_segments = _original  # type: ignore[method-assign]
