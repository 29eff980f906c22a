"""The detail pane of the keys screen: what a key is (type, encoding, TTL, memory, length)
and its value, one viewer per type. It only renders what the screen hands it (frozen core
results); the screen does the Redis work."""

from __future__ import annotations

import time

from rich.cells import chop_cells
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from redis_tui.core.display import ELLIPSIS, safe_text
from redis_tui.core.format import human_bytes, human_duration, thousands
from redis_tui.core.keyspace.values import KeyInfo, StringValue, ValuePage
from redis_tui.ui.keys.value_view import COLUMNS, LENGTH_UNIT, element_row, string_body, string_head
from redis_tui.ui.widgets.table import Table
from redis_tui.ui.widgets.text import set_text

NAME_LIMIT = 300
NAME_LINES = 2  # lines of the key's name above its facts (the #key-info box holds 6)


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


class RowList(Table):
    """A table of rows that are read top to bottom: home / end go to the first / last row."""

    BINDINGS = [Binding("home", "scroll_top", "Top", show=False), Binding("end", "scroll_bottom", "Bottom", show=False)]


class KeyDetail(Vertical):
    """Key info on top, the value below: a text view for strings, a table for collections."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.info: KeyInfo | None = None
        self.kind: str | None = None
        self.loaded = 0
        self._now = 0.0
        self._string: StringValue | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Select a key to see its value.", style="dim"), id="key-info")
        yield Static(id="value-head")
        with VerticalScroll(id="string-box"):
            yield Static(id="string-body")
        yield RowList(id="value-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="value-foot")

    def on_mount(self) -> None:
        self.border_title = "Key"
        self.query_one("#string-box").display = False
        self.query_one("#value-table").display = False

    def clear(self, message: str = "Select a key to see its value.") -> None:
        """Nothing selected (or the selected key went away)."""
        self.info, self.kind, self.loaded, self._string = None, None, 0, None
        self.query_one("#key-info", Static).update(Text(message, style="dim"))
        for selector in ("#value-head", "#value-foot"):
            set_text(self.query_one(selector, Static), "")
        self.query_one("#string-box").display = False
        self.query_one("#value-table").display = False

    def show_info(self, info: KeyInfo, now: float) -> None:
        """Render the key's type, encoding, length, memory and TTL (against `now`)."""
        self.info, self._now = info, now
        widget = self.query_one("#key-info", Static)
        text = info_text(info, now, widget.content_region.width)
        if widget.content != text:
            widget.update(text)  # with a relayout: a long name takes more lines

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Cut the name and lay the hex dump out again for the new width."""
        if self.info is not None:
            self.show_info(self.info, self._now)
        if self.kind == "string" and self._string is not None:
            self.query_one("#string-body", Static).update(string_body(self._string, self.content_region.width - 1))

    def tick(self, now: float) -> None:
        """Let the TTL count down between refreshes (no Redis call)."""
        if self.info is not None and self.info.expires_at is not None:
            self.show_info(self.info, now)

    def show_string(self, value: StringValue) -> None:
        """A string value: its kind and size, then a bounded preview."""
        self.kind, self._string = "string", value
        set_text(self.query_one("#value-head", Static), string_head(value))
        set_text(self.query_one("#value-foot", Static), "")
        self.query_one("#value-table").display = False
        box = self.query_one("#string-box", VerticalScroll)
        box.display = True
        box.scroll_home(animate=False)
        self.query_one("#string-body", Static).update(string_body(value, self.content_region.width - 1))

    def start_collection(self, kind: str) -> None:
        """An empty table with the columns of `kind` (pages are added with `add_page`)."""
        self.kind, self.loaded = kind, 0
        self.query_one("#string-box").display = False
        table = self.query_one("#value-table", Table)
        table.clear(columns=True)
        table.add_columns(*COLUMNS.get(kind, ("value",)))
        table.display = True
        set_text(self.query_one("#value-head", Static), Text(kind, style="bold"))

    def add_page(self, page: ValuePage, total: int | None) -> None:
        """Append a page of elements; the footer says how many of `total` are loaded."""
        table = self.query_one("#value-table", Table)
        table.add_rows(element_row(self.kind, element) for element in page.elements)
        self.loaded = page.loaded
        foot = Text(no_wrap=True, overflow="ellipsis")
        foot.append(f"{thousands(page.loaded)}", style="bold")
        foot.append(f" of {thousands(total)} loaded" if total is not None else " loaded", style="dim")
        if not page.done:
            foot.append(" · scroll down or press M for more", style="dim")
        set_text(self.query_one("#value-foot", Static), foot)

    def show_unsupported(self, kind: str) -> None:
        """A type without a viewer (module types)."""
        self.kind = kind
        self.query_one("#string-box").display = False
        self.query_one("#value-table").display = False
        set_text(self.query_one("#value-head", Static), Text(f"no viewer for type {safe_text(kind, 40)}",
                                                               style="dim"))
