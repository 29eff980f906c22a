"""The detail pane of the keys screen: what the selected key is (type, encoding, TTL,
memory, length) and its value, one viewer per type.

It does its own Redis work in workers: inspect the key and read the head of its value
(the "detail" group: a newer key cancels the work for an older one), read more of it,
and the --write actions after a dialog that names the key. It tells the screen what
happened with messages (`Shown`, `Deleted`, `Renamed`, `Failed`); the screen owns the list."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import redis.exceptions
from redis.asyncio import Redis
from rich.cells import chop_cells
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from redis_tui.core.display import ELLIPSIS, safe_text
from redis_tui.core.format import human_bytes, human_duration, thousands
from redis_tui.core.keyspace.settings import KeyspaceSettings
from redis_tui.core.keyspace.values import (
    CollectionReader,
    KeyInfo,
    StringValue,
    ValuePage,
    inspect_key,
    open_reader,
    read_string,
)
from redis_tui.core.keyspace.writes import KeyWriter, WriteNotAllowed
from redis_tui.ui.keys.dialogs import ConfirmDialog, RenameDialog, TTLDialog
from redis_tui.ui.keys.names import copy_form, editable_name, toast
from redis_tui.ui.keys.value_view import COLUMNS, LENGTH_UNIT, element_row, string_body, string_head
from redis_tui.ui.widgets.table import Table
from redis_tui.ui.widgets.text import set_text

NAME_LIMIT = 300
NAME_LINES = 2  # lines of the key's name above its facts (the #key-info box holds 6)
DEBOUNCE_S = 0.03  # a key held down does not inspect every key it passes


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

    class Shown(Message):
        """A key's detail was read and is on screen."""

    class Deleted(Message):
        """The key was deleted (or was already gone)."""

        def __init__(self, key: bytes) -> None:
            super().__init__()
            self.key = key

    class Renamed(Message):
        """The key now has the name `new`."""

        def __init__(self, old: bytes, new: bytes) -> None:
            super().__init__()
            self.old, self.new = old, new

    class Failed(Message):
        """A call failed; `name` (escaped) is set when a write failed (the user is told in a toast)."""

        def __init__(self, exc: Exception, name: str | None = None) -> None:
            super().__init__()
            self.exc, self.name = exc, name

    def __init__(self, settings: KeyspaceSettings = KeyspaceSettings(), clock: Callable[[], float] = time.time,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.clock = clock
        self.client: Redis | None = None  # None: nothing is read (the screen hands over results)
        self.writer: KeyWriter | None = None
        self.key: bytes | None = None  # the selected key
        self.reader: CollectionReader | None = None
        self.info: KeyInfo | None = None
        self.kind: str | None = None
        self.loaded = 0
        self._now = 0.0
        self._string: StringValue | None = None
        self.locate: Callable[[bytes], Text] | None = None  # on a cluster: a key's slot and node (last info line)

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

    def connect(self, client: Redis, writer: KeyWriter) -> None:
        """Read keys with `client`, change them with `writer`."""
        self.client, self.writer = client, writer

    def alive(self) -> bool:
        """False once the app is closing or the pane is gone."""
        return self.app.is_running and self.is_attached

    # --- reading ---------------------------------------------------------------------------
    def inspect(self, key: bytes) -> None:
        """Select `key`: inspect it and read the head of its value (nothing without a client)."""
        self.key = key
        if self.client is not None:
            self._inspect(self.client, key)

    def reload(self) -> None:
        """Inspect the selected key again (TTL, memory, value from the start)."""
        if self.key is not None:
            self.inspect(self.key)

    @work(exclusive=True, group="detail")
    async def _inspect(self, client: Redis, key: bytes) -> None:
        await asyncio.sleep(DEBOUNCE_S)
        settings = self.settings
        value = page = None
        try:
            info = await inspect_key(client, key)
            reader = None
            if info.type == "string":
                value = await read_string(client, key, settings.string_preview_kb * 1024)
            elif info.exists:
                reader = open_reader(client, key, info.type, settings.value_page_size)
                page = await reader.next_page() if reader is not None else None
        except Exception as exc:  # noqa: BLE001 - shown in the screen's bar
            self.post_message(self.Failed(exc))
            return
        if self.alive():
            self.reader = reader
            self.show_key(info, value, page)
            self.post_message(self.Shown())

    def show_key(self, info: KeyInfo, value: StringValue | None = None, page: ValuePage | None = None) -> None:
        """Render a key's info and the head of its value."""
        self._empty()
        self.show_info(info, self.clock())
        if value is not None:
            self.show_string(value)
        elif page is not None:
            self.start_collection(info.type)
            self.add_page(page, info.length)
        elif info.exists:
            self.show_unsupported(info.type)

    def more(self) -> None:
        """Read the next page of the value (one page at a time)."""
        reader = self.reader
        if reader is None or reader.done or self.client is None:
            return
        if any(w.node is self and w.group == "detail" and not w.is_finished for w in self.workers):
            return
        self._read_more(reader)

    @work(exclusive=True, group="detail")
    async def _read_more(self, reader: CollectionReader) -> None:
        try:
            page = await reader.next_page()
        except Exception as exc:  # noqa: BLE001
            self.post_message(self.Failed(exc))
            return
        if reader is self.reader and self.alive() and self.info is not None:
            self.add_page(page, self.info.length)

    def copy(self) -> None:
        """Copy the selected key's name to the clipboard."""
        if self.key is None:
            return
        text = copy_form(self.key)
        self.app.copy_to_clipboard(text)
        # both forms of copy_form are printable already: escaping again would double the backslashes
        toast(self.app, f"Copied {text if len(text) <= 80 else text[:79] + ELLIPSIS}", timeout=3)

    # --- writing (the screen offers these only with --write; the KeyWriter refuses without) ---
    def _writable(self) -> bytes | None:
        return self.key if self.writer is not None else None

    def delete(self) -> None:
        """Delete the selected key (after confirmation)."""
        key = self._writable()
        if key is not None:
            dialog = ConfirmDialog("Delete this key?", key, "UNLINK removes the key and its value; this cannot be "
                                   "undone.", "Delete")
            self.app.push_screen(dialog, lambda ok: self._after(ok, "delete", key))

    def expire(self) -> None:
        """Set or remove the selected key's TTL."""
        key = self._writable()
        if key is not None:
            info, ttl = self.info, None
            if info is not None and info.key == key and info.expires_at is not None:
                ttl = max(0.0, info.expires_at - self.clock())
            self.app.push_screen(TTLDialog(key, ttl), lambda seconds: self._after(seconds, "expire", key, seconds))

    def rename(self) -> None:
        """Rename the selected key (RENAMENX; replacing an existing key needs a second yes)."""
        key = self._writable()
        if key is not None:
            dialog = RenameDialog(key, editable_name(key))
            self.app.push_screen(dialog, lambda new: self._after(new, "rename", key, new))

    def _after(self, answer: object, action: str, key: bytes, argument: int | bytes | None = None) -> None:
        """A dialog closed: write unless it was cancelled (None; a confirmation's no is falsy too)."""
        if answer is not None and answer is not False:
            self._write(action, key, argument)

    @work(group="write")
    async def _write(self, action: str, key: bytes, argument: int | bytes | None = None) -> None:
        writer, name = self.writer, safe_text(key, 60)
        assert writer is not None  # the dialogs open only with a writer
        try:
            if action == "delete":
                done = await writer.delete(key)
                message = f"Deleted {name}" if done else f"{name} was already gone"
            elif action == "expire" and isinstance(argument, int) and argument:
                done = await writer.expire(key, argument)
                message = f"{name} expires in {argument} s" if done else f"{name} no longer exists"
            elif action == "expire":
                done = await writer.persist(key)
                message = f"{name} no longer expires" if done else f"{name} had no TTL"
            else:
                assert isinstance(argument, bytes)
                done = await writer.rename(key, argument, replace=action == "replace")
                message = f"Renamed {name} to {safe_text(argument, 60)}"
        except WriteNotAllowed as exc:
            toast(self.app, safe_text(str(exc), 200), severity="error")
            return
        except redis.exceptions.ResponseError as exc:  # the server refused (e.g. ERR no such key): its words
            toast(self.app, f"{name}: the server said {safe_text(str(exc), 160)}", severity="error", timeout=8)
            return
        except Exception as exc:  # noqa: BLE001 - the screen shows it in the bar and a toast
            self.post_message(self.Failed(exc, name))
            return
        if not self.alive():
            return
        if action == "delete":
            self.post_message(self.Deleted(key))
        elif action == "expire":
            self.inspect(key)
        elif not done:  # RENAMENX refused: the name is taken
            assert isinstance(argument, bytes)
            new = argument
            dialog = ConfirmDialog("This name is taken. Replace the key that has it?", new,
                                   "RENAME overwrites it: its value is lost.", "Replace")
            self.app.push_screen(dialog, lambda ok: self._after(ok, "replace", key, new))
            return
        else:
            assert isinstance(argument, bytes)
            self.post_message(self.Renamed(key, argument))
        toast(self.app, message)

    # --- rendering -------------------------------------------------------------------------
    def clear(self, message: str = "Select a key to see its value.") -> None:
        """Nothing selected (or the selected key went away)."""
        self.key, self.reader = None, None
        self._empty(message)

    def _empty(self, message: str = "Select a key to see its value.") -> None:
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
        if self.locate is not None:
            text.append("\n")
            text.append_text(self.locate(info.key))
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
        table.add_rows(element_row(self.kind or "", element) for element in page.elements)
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
