"""The detail pane of the keys screen: what the selected key is (type, encoding, TTL,
memory, length) and its value, one viewer per type.

It does its own Redis work in workers: inspect the key and read the head of its value
(the "detail" group: a newer key cancels the work for an older one), read more of it,
and the --write actions after a dialog that names the key. It tells the screen what
happened with messages (`Shown`, `Deleted`, `Renamed`, `Failed`); the screen owns the list.

A collection's table is a window of at most `MAX_VALUE_ROWS` elements, so paging through a
50M-element list keeps memory flat: pages read past it drop the oldest rows, and a list,
sorted set or stream reads them again when the cursor goes back up (`home` / `end` jump to
its first / last page in one command). A hash or set (HSCAN / SSCAN order) has no end to
jump to and cannot read backwards: rows dropped from its top come back with `home`, which
reads it from the start again."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import redis.exceptions
from redis.asyncio import Redis
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from redis_tui.core.display import ELLIPSIS, safe_text
from redis_tui.core.keyspace.settings import KeyspaceSettings
from redis_tui.core.keyspace.values import (
    CollectionReader,
    Element,
    KeyInfo,
    StringValue,
    ValuePage,
    inspect_key,
    open_reader,
    read_string,
)
from redis_tui.core.keyspace.writes import KeyWriter, WriteNotAllowed
from redis_tui.ui.keys import search
from redis_tui.ui.keys.dialogs import ConfirmDialog, RenameDialog, TTLDialog
from redis_tui.ui.keys.info import info_text, page_size_for
from redis_tui.ui.keys.names import copy_form, editable_name, toast
from redis_tui.ui.keys.value_view import COLUMNS, element_row, foot_text, string_body, string_head
from redis_tui.ui.widgets.table import Table
from redis_tui.ui.widgets.text import set_text

DEBOUNCE_S = 0.03  # a key held down does not inspect every key it passes
MAX_VALUE_ROWS = 1000  # elements of a collection kept in its table (the window)
TRIM_SLACK = 1000  # the window may grow this much past MAX_VALUE_ROWS before it is trimmed
NEAR_EDGE = 10  # rows from the top or bottom of the window at which the next page is read


class RowList(Table):
    """A table of rows that are read top to bottom: home / end go to the first / last row."""

    BINDINGS = [Binding("home", "scroll_top", "Top", show=False), Binding("end", "scroll_bottom", "Bottom", show=False)]


class ValueList(RowList):
    """The value table: home / end go to the first / last element of the collection (its
    first / last page is read when the window does not hold it)."""

    BINDINGS = [Binding("home", "first", "First", show=False), Binding("end", "last", "Last", show=False),
                Binding("f", "search", "Find in value", show=False)]

    def action_search(self) -> None:
        """Search inside the open hash, set or sorted set (SCAN MATCH)."""
        search.ask(self.query_ancestor(KeyDetail))

    def action_first(self) -> None:
        """The collection's first element."""
        self.query_ancestor(KeyDetail).first()

    def action_last(self) -> None:
        """The collection's last element (or the last row read, for HSCAN / SSCAN order)."""
        self.query_ancestor(KeyDetail).last()


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
        self.window: list[Element] = []  # the elements in the value table, in order
        self.at_start = True  # the window starts at the collection's first element
        self.at_end = False  # the window ends at its last element
        self.dropped = False  # rows of a hash or set were dropped from the top (home reads them again)
        self._now = 0.0
        self._string: StringValue | None = None
        self.search_glob: bytes | None = None  # a search inside the collection is on (ui/keys/search.py)
        self.locate: Callable[[bytes], Text] | None = None  # on a cluster: a key's slot and node (last info line)

    def compose(self) -> ComposeResult:
        yield Static(Text("Select a key to see its value.", style="dim"), id="key-info")
        yield Static(id="value-head")
        with VerticalScroll(id="string-box"):
            yield Static(id="string-body")
        yield ValueList(id="value-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="value-foot")

    def on_mount(self) -> None:
        self.border_title = "Key"
        self.query_one("#string-box").display = False
        self.query_one("#value-table").display = False

    @property
    def string_value(self) -> StringValue | None:
        """What was read of the selected string key (None: not a string)."""
        return self._string if self.kind == "string" else None

    def connect(self, client: Redis, writer: KeyWriter) -> None:
        """Read keys with `client`, change them with `writer`."""
        self.client, self.writer = client, writer

    def alive(self) -> bool:
        """False once the app is closing or the pane is gone."""
        return self.app.is_running and self.is_attached

    # --- reading ---------------------------------------------------------------------------
    def inspect(self, key: bytes) -> None:
        """Select `key`: inspect it and read the head of its value (nothing without a client)."""
        self.key, self.search_glob = key, None
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
                reader = open_reader(client, key, info.type, page_size_for(info, settings.value_page_size))
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

    def _busy(self) -> bool:
        return any(w.node is self and w.group == "detail" and not w.is_finished for w in self.workers)

    def _reading(self) -> CollectionReader | None:
        """The reader, when a page may be read now (none is on its way)."""
        reader = self.reader
        if reader is None or self.client is None or self._busy():
            return None
        return reader

    def more(self) -> None:
        """Read the next page of the value (one page at a time)."""
        reader = self._reading()
        if reader is not None and not reader.done:
            self._read(reader, "next")

    def less(self) -> None:
        """Read the page before the window (lists, sorted sets, streams)."""
        reader = self._reading()
        if reader is not None and reader.ends and not self.at_start:
            self._read(reader, "previous")

    def first(self) -> None:
        """Show the collection's first element (its first page is read again if the window moved on)."""
        reader = self._reading()
        if reader is None or (self.at_start and not self.dropped):
            self.query_one("#value-table", Table).action_scroll_top()
        else:
            fresh = search.fresh_reader(self)
            if fresh is not None:
                self._read(fresh, "first")

    def start_reading(self, reader: CollectionReader) -> None:
        """Show the collection from `reader`'s first page on (a search's, or every element's)."""
        self._read(reader, "first")

    def last(self) -> None:
        """Show the collection's last element (its last page, in one command, where the type
        allows it; for a hash or a set, the last row read)."""
        reader = self._reading()
        if reader is None or self.at_end or not reader.ends:
            self.query_one("#value-table", Table).action_scroll_bottom()
        else:
            self._read(reader, "last")

    @work(exclusive=True, group="detail")
    async def _read(self, reader: CollectionReader, how: str) -> None:
        try:
            if how == "next":
                page = await reader.next_page()
            elif how == "previous":
                page = await reader.previous_page()
            elif how == "last":
                page = await reader.last_page()
            else:
                page = await reader.next_page()
        except Exception as exc:  # noqa: BLE001
            self.post_message(self.Failed(exc))
            return
        if not self.alive() or self.info is None or (reader is not self.reader and how != "first"):
            return
        total = self.info.length
        if how == "next":
            self.add_page(page, total)
        elif how == "previous":
            self.add_page_before(page, total)
        else:
            self.reader = reader
            self.start_collection(self.kind or self.info.type)
            self.add_page(page, total)
            if how == "last" and self.window:
                self.query_one("#value-table", Table).move_cursor(row=len(self.window) - 1, animate=False)

    @on(DataTable.RowHighlighted, "#value-table")
    def _value_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row != event.data_table.cursor_row:
            return  # posted before the table was redrawn (a clear() puts the cursor on row 0 first)
        if event.cursor_row < NEAR_EDGE:
            self.less()
        elif event.cursor_row >= event.data_table.row_count - NEAR_EDGE:
            self.more()

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
        self.window, self.at_start, self.at_end, self.dropped = [], True, False, False
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
        self.window, self.at_start, self.at_end, self.dropped = [], True, False, False
        self.query_one("#string-box").display = False
        table = self.query_one("#value-table", Table)
        table.clear(columns=True)
        table.add_columns(*COLUMNS.get(kind, ("value",)))
        table.display = True
        set_text(self.query_one("#value-head", Static), Text(kind, style="bold"))

    def add_page(self, page: ValuePage, total: int | None) -> None:
        """Append a page of elements (the oldest rows go once the window is full); the
        footer says which of `total` are shown."""
        table = self.query_one("#value-table", Table)
        self.loaded = page.loaded
        self.at_end = page.done
        if not self.window:
            self.at_start = page.at_start
        self.window += page.elements
        extra = len(self.window) - MAX_VALUE_ROWS
        if extra > TRIM_SLACK:
            cursor = table.cursor_row
            del self.window[:extra]
            self.at_start = False
            if self.reader is not None and self.reader.ends:
                self.reader.rewind_to(self.window[0])
            else:
                self.dropped = True
            self._redraw(max(0, cursor - extra))
        else:
            table.add_rows(element_row(self.kind or "", element) for element in page.elements)
        self._show_foot(total)

    def add_page_before(self, page: ValuePage, total: int | None) -> None:
        """Put a page read backwards above the window (the bottom rows go once it is full)."""
        table = self.query_one("#value-table", Table)
        cursor = table.cursor_row + len(page.elements)
        self.at_start = page.at_start
        self.window[:0] = page.elements
        extra = len(self.window) - MAX_VALUE_ROWS
        if extra > TRIM_SLACK:
            del self.window[-extra:]
            self.at_end = False
            if self.reader is not None:
                self.reader.forward_to(self.window[-1])
        self._redraw(cursor)
        self._show_foot(total)

    def _redraw(self, cursor: int) -> None:
        """The table again from the window, the cursor on row `cursor`."""
        table = self.query_one("#value-table", Table)
        table.clear()
        table.add_rows(element_row(self.kind or "", element) for element in self.window)
        if self.window:
            table.move_cursor(row=min(cursor, len(self.window) - 1), animate=False)

    def _show_foot(self, total: int | None) -> None:
        set_text(self.query_one("#value-foot", Static), search.search_foot(self) or
                 foot_text(self.window, total, loaded=self.loaded, at_start=self.at_start, at_end=self.at_end,
                           dropped=self.dropped, ends=self.reader is not None and self.reader.ends))

    def show_unsupported(self, kind: str) -> None:
        """A type without a viewer (module types)."""
        self.kind = kind
        self.query_one("#string-box").display = False
        self.query_one("#value-table").display = False
        set_text(self.query_one("#value-head", Static), Text(f"no viewer for type {safe_text(kind, 40)}",
                                                               style="dim"))
