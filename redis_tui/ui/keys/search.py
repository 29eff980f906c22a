"""`f` in the value table (find; `/` stays the key list's glob): search inside the open hash, set
or sorted set (HSCAN / SSCAN / ZSCAN MATCH glob). The matches page in the value table like the
key's elements (scroll down or `M` for more, duplicates SCAN returns dropped); the foot says the
glob and how many matched so far; an empty glob (or `*`) shows every element again.
Lists and streams have no SCAN: a toast says so. On a cluster the scan goes to the key's node
(the detail pane's client is that node's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static

from redis_tui.core.display import safe_text
from redis_tui.core.format import thousands
from redis_tui.core.keyspace.search import SEARCH_COMMANDS, open_search
from redis_tui.core.keyspace.values import CollectionReader, open_reader
from redis_tui.ui.keys.names import editable_name, toast
from redis_tui.ui.widgets.dialog import Dialog

if TYPE_CHECKING:
    from redis_tui.ui.keys.detail import KeyDetail


class SearchDialog(Dialog[str]):
    """The glob to search the collection with; dismisses with it ("" shows every element), or None."""

    buttons = (("Search", "primary", "confirm"), ("Cancel", "default", "cancel"))
    first_focus = "#search-glob"
    box_id = "search-dialog"

    def __init__(self, command: str, key: bytes, glob: str) -> None:
        super().__init__()
        self.command, self.key, self.glob = command, key, glob
        self.question = f"Search inside this key ({command} MATCH)"

    def body(self) -> ComposeResult:
        yield Static(Text(safe_text(self.key, 300) or '""', style="bold", overflow="fold"), classes="dialog-key")
        yield Input(self.glob, id="search-glob", placeholder="glob, e.g. user:1* or *@example.com")
        yield Static(Text("* any text · ? one character · [abc] one of them · \\* a real *. Empty: every element. "
                          "The server still reads every element (in pages): a search of a huge key takes a while.",
                          style="dim"), classes="dialog-note")

    def action_confirm(self) -> None:
        """Close with the glob typed."""
        self.dismiss(self.query_one("#search-glob", Input).value.strip())


def ask(detail: KeyDetail) -> None:
    """Open the search dialog for the detail's collection (a toast when it cannot be searched)."""
    info = detail.info
    if detail.key is None or info is None or not info.exists:
        toast(detail.app, "Select a key first")
        return
    command = SEARCH_COMMANDS.get(info.type)
    if command is None:
        toast(detail.app, f"A {info.type} cannot be searched (only hashes, sets and sorted sets have SCAN MATCH)",
              severity="warning")
        return
    key = detail.key
    glob = editable_name(detail.search_glob)
    detail.app.push_screen(SearchDialog(command, key, glob), lambda text: _chosen(detail, key, text))


def _chosen(detail: KeyDetail, key: bytes, text: str | None) -> None:
    if text is None or detail.key != key:
        return
    detail.search_glob = text.encode("utf-8", "surrogateescape") if text and text != "*" else None
    reader = fresh_reader(detail)
    if reader is not None:
        detail.start_reading(reader)


def fresh_reader(detail: KeyDetail) -> CollectionReader | None:
    """A reader from the collection's start: of the matches when a search is on, else of every element."""
    info, client, key = detail.info, detail.client, detail.key
    if info is None or client is None or key is None:
        return None
    size = detail.reader.page_size if detail.reader is not None else detail.settings.value_page_size
    if detail.search_glob is not None:
        return open_search(client, key, info.type, detail.search_glob, size)
    return open_reader(client, key, info.type, size)


def search_foot(detail: KeyDetail) -> Text | None:
    """``12 matched so far (HSCAN MATCH user:1*, 40 calls) · scroll down or M for more``, or None
    when no search is on."""
    reader, glob = detail.reader, detail.search_glob
    if glob is None or reader is None or not hasattr(reader, "match"):
        return None
    foot = Text(no_wrap=True, overflow="ellipsis")
    foot.append(thousands(reader.loaded), style="bold")
    foot.append(" matched" if reader.done else " matched so far", style="dim")
    command = SEARCH_COMMANDS.get(detail.kind or "", "SCAN")
    foot.append(f" ({command} MATCH ", style="dim")
    foot.append(safe_text(glob, 40), style="cyan")
    foot.append(f", {thousands(getattr(reader, 'calls', 0))} calls)", style="dim")
    foot.append(" · the whole key was scanned" if reader.done else " · scroll down or press M for more",
                style="dim")
    foot.append(" · f again: another glob (empty: every element)", style="dim")
    return foot
