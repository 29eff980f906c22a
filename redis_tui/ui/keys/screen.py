"""The keys screen: browse the keyspace page by page, a namespace tree, and a key's value.

All the Redis work runs in workers through the core (`KeyScanner`, `NamespaceScan`,
`inspect_key`, `read_string`, `open_reader`), on the app's client named ``redis-tui-keys``
(none: the screen sends nothing); the widgets only render the frozen results. Key names
stay bytes: the list keeps the original bytes of every row, and only the display goes
through `safe_text`.

On a cluster (the app's rounds say so) the list and the tree cover every primary, each key
with its node, and a key is read and written on the node that serves its slot
(`ui/keys/cluster.py`); on a single server nothing of that is sent or shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from redis.asyncio import Redis
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Tree
from textual.worker import Worker

from redis_tui.core.connection import Connections
from redis_tui.core.display import safe_text
from redis_tui.core.errors import classify
from redis_tui.core.keyspace.nodes_scan import NodesKeyScanner
from redis_tui.core.keyspace.scan import TYPES, KeyScanner, ScanPage, glob_escape, glob_prefix
from redis_tui.core.keyspace.settings import KeyspaceSettings
from redis_tui.core.keyspace.values import KeyInfo, StringValue, ValuePage
from redis_tui.core.keyspace.writes import KeyWriter
from redis_tui.ui.keys import export
from redis_tui.ui.keys.bar import bar_text
from redis_tui.ui.keys.cluster import KeysCluster
from redis_tui.ui.keys.cluster_screen import ClusterKeys
from redis_tui.ui.keys.copy import copy_value
from redis_tui.ui.keys.detail import KeyDetail, RowList
from redis_tui.ui.keys.names import editable_name, key_cell, toast
from redis_tui.ui.keys.tree import NamespaceView
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.table import Table
from redis_tui.ui.widgets.tool_screen import ToolScreen

FIRST_ROWS = 100  # rows of the first page drawn before the rest of it is added
NEAR_END = 10  # rows from the end of a list at which the next page is loaded
MAX_LISTED = 10_000  # key names kept in the list (~1 KB a row): paging through millions keeps memory flat
LIST_SLACK = 5_000  # the list may grow this much past MAX_LISTED before its oldest rows go
TYPE_CYCLE = (None, "string", "hash", "list", "set", "zset", "stream")
WRITE_ACTIONS = ("delete", "expire", "rename")
assert set(TYPE_CYCLE[1:]) == set(TYPES)


class KeysScreen(ClusterKeys, ToolScreen):
    """Key list (SCAN pages), namespace tree, and the selected key's detail and value."""

    NAME = "keys"
    AUTO_FOCUS = "#key-list"

    BINDINGS = [
        Binding("slash", "glob", "Glob", key_display="/"),
        Binding("t", "cycle_type", "Type"),
        Binding("M", "more", "More"),
        Binding("y", "copy", "Copy name"),
        Binding("R", "refresh_key", "Reload key"),
        Binding("d", "delete", "Delete"),
        Binding("e", "expire", "TTL"),
        Binding("n", "rename", "Rename"),
        Binding("escape,k", "back", "Dashboard"),
        Binding("Y", "copy_value", "Copy value", show=False),
        Binding("x", "export", "Export", show=False),
    ]

    def __init__(self, settings: KeyspaceSettings = KeyspaceSettings(), connections: Connections | None = None, *,
                 write: bool = False, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.settings = settings
        self.connections = connections  # None: nothing is sent; tests feed results with show_*()
        self.write = write
        self.clock = clock
        self.delimiter = settings.delimiter.encode("utf-8", "surrogateescape")
        self.client: Redis | None = None
        self.writer: KeyWriter | None = None
        self.match: bytes | None = None
        self.type: str | None = None
        self.scanner: KeyScanner | NodesKeyScanner | None = None
        self.cluster: KeysCluster | None = None  # on a cluster node: its nodes, routing and words
        self.last_page: ScanPage | None = None
        self.dbsize: int | None = None
        self.rows: dict = {}  # DataTable row key → the key's original bytes
        self.row_nodes: dict = {}  # on a cluster: DataTable row key → the node the key was found on
        self.dropped = 0  # keys listed by this scan and dropped since from the top of the list
        self.selected: bytes | None = None
        self.problem = ""
        self._keys_worker: Worker | None = None
        self._backlog: list[bytes] = []  # keys of a page waiting for the first rows to be drawn
        self._backlog_nodes: list[str] = []  # on a cluster: their nodes

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="keys-main"):
            with Vertical(id="keys-left"):
                yield NamespaceView(self.delimiter, id="ns-tree")
                yield RowList(id="key-list", cursor_type="row")
            yield KeyDetail(self.settings, self.clock, id="key-detail")
        yield Input(id="glob-input", placeholder="SCAN MATCH glob, e.g. user:* (empty: every key); enter applies")

    def on_mount(self) -> None:
        tree = self.query_one(NamespaceView)
        tree.border_title = tree.title()
        table = self.query_one("#key-list", Table)
        self.key_column = table.add_column("key")
        table.border_title = "Keys"
        self.query_one("#glob-input").display = False
        detail = self.query_one(KeyDetail)
        detail.border_subtitle = ("WRITE: d delete · e TTL · n rename" if self.write
                                  else "READ-ONLY (start with --write to change keys)")
        self.set_interval(1.0, lambda: detail.tick(self.clock()))
        self._show_bar()
        if self.connections is not None:
            self.client = self.connections.client("keys")  # the app closes it when it exits
            self.writer = KeyWriter(self.client, self.write)
            detail.connect(self.client, self.writer)
            self.query_one(NamespaceView).connect(self.client, self.settings)
            self.watch(self.app, "cluster", self._on_cluster, init=False)
            cluster = host(self).cluster
            if cluster is not None:
                self._enter_cluster(cluster)
            else:
                self.start_scan()

    def reconnect(self) -> None:
        """The app switched database: read it with a new client and scan it from the start."""
        if self.connections is None or self.cluster is not None:
            return
        self.client = self.connections.client("keys")
        self.writer = KeyWriter(self.client, self.write)
        self.query_one(KeyDetail).connect(self.client, self.writer)
        tree = self.query_one(NamespaceView)
        tree.connect(self.client, self.settings)
        tree.reset_counts(self.type)
        self.start_scan()

    # --- the key list ----------------------------------------------------------------------
    def start_scan(self) -> None:
        """A new pass over the keyspace with the current filters (the list starts empty)."""
        if self.client is None:  # no connections (fixed data): nothing is sent
            return
        if isinstance(self.scanner, NodesKeyScanner):
            self.scanner.close()  # the old scan's steps in flight are dropped
        if self.cluster is not None and self.cluster.round is not None:
            self.scanner = self.cluster.key_scanner(self.match, self.type)
        else:
            self.scanner = KeyScanner(self.client, match=self.match, type=self.type,
                                      count=self.settings.scan_count, page_size=self.settings.page_size)
        self.last_page = None
        self.rows.clear()
        self._backlog, self._backlog_nodes = [], []
        self.row_nodes.clear()
        self.dropped = 0
        self.query_one("#key-list", Table).clear()
        self.query_one("#key-list", Table).border_subtitle = ""
        self.query_one(KeyDetail).clear()
        self.selected = None
        self._keys_worker = self._load_keys(self.scanner, self._screenful())
        self._show_bar()

    def _screenful(self) -> int:
        return 2 * max(20, self.query_one("#key-list").size.height)

    @work(exclusive=True, group="keys")
    async def _load_keys(self, scanner: KeyScanner, want: int) -> None:
        """Pages until `want` keys are listed or the scan ends (each page shown as it comes)."""
        first = self.last_page is None
        client = self.client
        assert client is not None  # scans start only with a client
        try:
            while True:
                page = await scanner.next_page()
                if scanner is not self.scanner or not self.alive():
                    return
                self.show_page(page)
                if isinstance(scanner, NodesKeyScanner):
                    self.dbsize = scanner.dbsize  # summed over the nodes, each read when its scan started
                if first:
                    first = False
                    if not isinstance(scanner, NodesKeyScanner):
                        self.dbsize = int(await client.dbsize())
                    if not self.alive():
                        return
                    self._show_bar()
                    tree = self.query_one(NamespaceView)
                    self.call_after_refresh(tree.request_scan, b"")  # the tree counts once the page is drawn
                if page.done or (self.listed >= want and not self._cursor_near_end()):
                    return
        except Exception as exc:  # noqa: BLE001 - any failure is shown, the screen stays
            self.show_problem(exc)

    def show_page(self, page: ScanPage) -> None:
        """Append a page of key names to the list. Into an empty list only a screenful goes
        at once (the first paint is what the user waits for); the rest follows it."""
        nodes = list(getattr(page, "nodes", ()))
        if self.rows or self._backlog:
            self._backlog.extend(page.keys)
            self._backlog_nodes.extend(nodes)
        else:
            self._add_rows(page.keys[:FIRST_ROWS], nodes[:FIRST_ROWS])
            self._backlog.extend(page.keys[FIRST_ROWS:])
            self._backlog_nodes.extend(nodes[FIRST_ROWS:])
        if self._backlog:
            self.call_after_refresh(self._flush_backlog)
        self.last_page = page
        self.problem = ""
        self._show_bar()

    def _flush_backlog(self) -> None:
        backlog, self._backlog = self._backlog, []
        nodes, self._backlog_nodes = self._backlog_nodes, []
        self._add_rows(backlog, nodes)

    def _add_rows(self, keys, nodes=()) -> None:
        table = self.query_one("#key-list", Table)
        if nodes and self.cluster is not None:  # on a cluster: the node each key was found on
            tag = self.cluster.tag
            for key, node in zip(keys, nodes, strict=True):
                row = table.add_row(tag(node), key_cell(key))
                self.rows[row], self.row_nodes[row] = key, node
        else:
            for key in keys:
                self.rows[table.add_row(key_cell(key))] = key
        if len(self.rows) > MAX_LISTED + LIST_SLACK:
            self._drop_oldest(len(self.rows) - MAX_LISTED)

    def _drop_oldest(self, count: int) -> None:
        """Forget the first `count` rows of the list (SCAN cannot go back: a new scan lists them again)."""
        table = self.query_one("#key-list", Table)
        keep = list(self.rows.items())[count:]
        nodes = [self.row_nodes[row] for row, _ in keep if row in self.row_nodes]
        cursor = table.cursor_row - count
        self.rows.clear()
        self.row_nodes.clear()
        table.clear()
        self._add_rows([key for _, key in keep], nodes if len(nodes) == len(keep) else ())
        table.move_cursor(row=max(0, cursor), animate=False)
        self.dropped += count
        table.border_subtitle = f"the first {self.dropped:,} keys are no longer listed"

    @property
    def listed(self) -> int:
        """Keys this scan has listed (in the list, about to be drawn, or dropped from its top)."""
        return self.dropped + len(self.rows) + len(self._backlog)

    def _cursor_near_end(self) -> bool:
        table = self.query_one("#key-list", Table)
        return table.cursor_row >= table.row_count - NEAR_END

    def action_more(self) -> None:
        """Load the next page of the focused list (values when the value table has focus)."""
        if self.focused is not None and self.focused.id == "value-table":
            self.query_one(KeyDetail).more()
        else:
            self._more_keys()

    def _more_keys(self) -> None:
        if self.scanner is None or self.scanner.done:
            return
        if self._keys_worker is not None and not self._keys_worker.is_finished:
            return  # a page is on its way (cancelling it would lose the keys it holds)
        self._keys_worker = self._load_keys(self.scanner, self.listed + 1)
        self._show_bar()

    def forget_key(self, key: bytes) -> None:
        """Drop a deleted key from the list (the cursor moves on to the next one)."""
        table = self.query_one("#key-list", Table)
        for row_key in [row for row, name in self.rows.items() if name == key]:
            table.remove_row(row_key)
            del self.rows[row_key]
            self.row_nodes.pop(row_key, None)
        if self.selected == key:
            self.selected = None
            self.query_one(KeyDetail).clear()
        self._show_bar()

    def rename_row(self, old: bytes, new: bytes) -> None:
        """Show a renamed key under its new name (a row that had the new name goes)."""
        self.forget_key(new)
        table = self.query_one("#key-list", Table)
        for row_key, name in list(self.rows.items()):
            if name == old:
                self.rows[row_key] = new
                table.update_cell(row_key, self.key_column, key_cell(new), update_width=True)
        if self.selected == old:
            self.selected = new
            self._point_detail(new)
            self.query_one(KeyDetail).inspect(new)

    @on(DataTable.RowHighlighted, "#key-list")
    def _key_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = self.rows.get(event.row_key)
        if key is None or event.cursor_row != event.data_table.cursor_row:
            return  # a row dropped since, or a highlight posted before the list was redrawn
        if self._cursor_near_end():
            self._more_keys()
        if key != self.selected:
            self.selected = key
            self._point_detail(key)
            self.query_one(KeyDetail).inspect(key)

    @on(DataTable.RowHighlighted, "#value-table")
    def _value_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - NEAR_END:
            self.query_one(KeyDetail).more()

    # --- the selected key (the detail pane does the work) --------------------------------------
    def show_key(self, info: KeyInfo, value: StringValue | None = None, page: ValuePage | None = None) -> None:
        """Render a key's info and the head of its value (as the detail's worker does)."""
        self._key_shown()
        self.query_one(KeyDetail).show_key(info, value, page)

    @on(KeyDetail.Shown)
    def _key_shown(self) -> None:
        if self.problem:
            self.problem = ""
            self._show_bar()

    @on(KeyDetail.Deleted)
    def _key_deleted(self, event: KeyDetail.Deleted) -> None:
        self.forget_key(event.key)

    @on(KeyDetail.Renamed)
    def _key_renamed(self, event: KeyDetail.Renamed) -> None:
        self.rename_row(event.old, event.new)

    @on(KeyDetail.Failed)
    def _key_failed(self, event: KeyDetail.Failed) -> None:
        self.show_problem(event.exc)
        if event.name is not None and self.alive():
            toast(self.app, f"{event.name}: {safe_text(self.problem, 200)}", severity="error", timeout=8)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Write actions exist only with --write."""
        return self.write or action not in WRITE_ACTIONS

    def action_refresh_key(self) -> None:
        """Inspect the selected key again (TTL, memory, value from the start)."""
        self.query_one(KeyDetail).reload()

    def action_copy(self) -> None:
        """Copy the selected key's name to the clipboard."""
        self.query_one(KeyDetail).copy()

    def action_copy_value(self) -> None:
        """Copy the selected element (value table focused) or the string value (bounded, text only)."""
        table = self.query_one("#value-table", Table)
        copy_value(self.query_one(KeyDetail), table.cursor_row if self.focused is table else None)

    def action_export(self) -> None:
        """Write the open collection (value table focused) or the listed keys to a JSON-lines file."""
        detail = self.query_one(KeyDetail)
        if self.focused is not None and self.focused.id == "value-table" and detail.key is not None:
            export.ask_collection(self.app, detail.key, detail.kind or "", detail.window,
                                  detail.at_start and detail.at_end and not detail.dropped, self.clock)
            return
        keys = [*self.rows.values(), *self._backlog]
        cluster = self.cluster
        client = self.client
        if client is None:
            toast(self.app, "No connection: nothing to export")
            return
        client_for = cluster.router.client if cluster is not None else (lambda _key: client)

        def run(path: Path) -> None:
            self.run_worker(export.write_keys(self.app, path, keys, client_for), group="export")

        export.ask_keys(self.app, keys, run, self.clock)

    def action_delete(self) -> None:
        """Delete the selected key (after confirmation)."""
        self.query_one(KeyDetail).delete()

    def action_expire(self) -> None:
        """Set or remove the selected key's TTL."""
        self.query_one(KeyDetail).expire()

    def action_rename(self) -> None:
        """Rename the selected key (RENAMENX; replacing an existing key needs a second yes)."""
        self.query_one(KeyDetail).rename()

    # --- filters ---------------------------------------------------------------------------
    def action_glob(self) -> None:
        """Open the glob filter."""
        box = self.query_one("#glob-input", Input)
        box.value = editable_name(self.match)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#glob-input")
    def _glob_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        self._close_glob()
        self.set_filter(text.encode("utf-8", "surrogateescape") if text and text != "*" else None, self.type)

    def _close_glob(self) -> None:
        self.query_one("#glob-input").display = False
        self.query_one("#key-list").focus()

    def action_cycle_type(self) -> None:
        """all → string → hash → list → set → zset → stream → all."""
        self.set_filter(self.match, TYPE_CYCLE[(TYPE_CYCLE.index(self.type) + 1) % len(TYPE_CYCLE)])

    def set_filter(self, match: bytes | None, type: str | None) -> None:
        """List the keys matching the glob `match` (bytes) and of `type` (None: all). The
        tree counts keys of the same type (a new type: counted again); the glob is what a
        branch of the tree selects, so the tree keeps counting every name."""
        self.match, self.type = match, type
        tree = self.query_one(NamespaceView)
        if type != tree.kind:
            tree.reset_counts(type)
        if self.client is not None:
            self.start_scan()
        self._show_bar()

    @on(Tree.NodeSelected, "#ns-tree")
    def _branch_selected(self, event: Tree.NodeSelected) -> None:
        prefix = event.node.data
        self.set_filter(glob_escape(prefix) + b"*" if prefix else None, self.type)

    # --- the tree (it counts on its own) ---------------------------------------------------------
    @on(NamespaceView.Failed)
    def _tree_failed(self, event: NamespaceView.Failed) -> None:
        self.show_problem(event.exc)

    @on(NamespaceView.Counted)
    def _tree_counted(self) -> None:
        self._show_bar()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "keys":
            self._show_bar()

    # --- screen ----------------------------------------------------------------------------
    def action_back(self) -> None:
        """Close the glob filter, or go back to the dashboard."""
        if self.query_one("#glob-input").display:
            self._close_glob()
        else:
            self.app.pop_screen()

    def show_problem(self, exc: Exception) -> None:
        """A failed call: one line in the bar (the screen keeps what it has)."""
        if not self.alive():
            return
        target = host(self).target
        if self.cluster is not None and self.selected is not None:  # name the node the key lives on
            target = self.cluster.target_of(self.selected) or target
        problem = classify(exc, target, connected=True)
        self.problem = f"{problem.summary} ({problem.id})"
        self._show_bar()

    def _show_bar(self) -> None:
        tree = self.query_one(NamespaceView)
        branch = glob_prefix(self.match)
        total = None
        if branch is not None and tree.kind == self.type and (not branch or branch.endswith(self.delimiter)):
            total = tree.count(branch)
        loading = self._keys_worker is not None and not self._keys_worker.is_finished
        cover = None
        if self.cluster is not None:
            scanner = self.scanner if isinstance(self.scanner, NodesKeyScanner) else None
            cover = self.cluster.cover(scanner)
        elif self.connections is not None and KeysCluster.node_only(host(self)):
            cover = KeysCluster.NODE_ONLY.copy()
        self.show_bar(bar_text(self.listed, self.last_page, loading=loading, dbsize=self.dbsize, match=self.match,
                               kind=self.type, problem=self.problem, total=total, cover=cover))
