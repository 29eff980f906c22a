"""The replication screen (``l``): every master → replica link among the servers polled, on any topology.

For each master a line: its offset, replicas, backlog size and how much of it holds history, and its
full / partial resyncs. Then one row per replica: its state as the master sees it, its own link to
the master (and how long it has been down), its offset and how far behind it is (bytes, and seconds
since its last acknowledgement), a sync in progress and how far it got, ``replica-read-only`` and
``replica-serve-stale-data``. A standalone server shows its own side; a cluster or a Sentinel group
every link between the nodes that answered. Roles are said master / replica.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from redis_tui.core.display import safe_text
from redis_tui.core.format import DASH, human_bytes, human_duration, thousands
from redis_tui.core.models import Snapshot
from redis_tui.core.nodes import SENTINEL
from redis_tui.core.replication import Link, MasterLine, links
from redis_tui.ui.widgets.footer import KeyFooter
from redis_tui.ui.widgets.host import Host, host
from redis_tui.ui.widgets.outage import OutageBanner
from redis_tui.ui.widgets.status import StatusBar
from redis_tui.ui.widgets.table import Table, sync_rows

# (header, key); "master" only when the links have more than one master
COLUMNS = (("replica", "replica"), ("master", "master"), ("state", "state"), ("link", "link"),
           ("lag", "lag"), ("ack", "ack"), ("sync", "sync"), ("ro", "ro"), ("stale", "stale"),
           ("offset", "offset"))
RIGHT = frozenset({"offset", "lag", "ack", "sync"})


def polled(app: Host) -> dict[str, Snapshot]:
    """{addr: Snapshot} of the data servers that answered (a Sentinel replicates nothing)."""
    if app.cluster is not None:
        roles = {n.addr: n.role for n in app.cluster.round.topology.nodes}
        return {a: u for a, u in app.cluster.round.updates.items()
                if isinstance(u, Snapshot) and roles.get(a) != SENTINEL}
    if app.snapshot is not None:
        return {app.target.address: app.snapshot}
    return {}


def _yes_no(value: bool | None) -> str:
    return DASH if value is None else "yes" if value else "no"


def link_cells(link: Link) -> dict[str, Text]:
    """One replica's row, by column key (escaped; a broken link in red)."""
    state = Text(safe_text(link.state or DASH, 16), style="" if link.state in ("", "online") else "bold red")
    if link.link == "up":
        own = Text("up", style="green")
    elif link.link:
        since = f" {human_duration(link.link_down_s)}" if link.link_down_s is not None else ""
        own = Text(f"{safe_text(link.link, 12)}{since}", style="bold red")
    else:
        own = Text(DASH)
    lag = Text(human_bytes(link.lag_bytes) if link.lag_bytes is not None else DASH, justify="right")
    if link.lag_bytes and link.lag_bytes >= 1024 * 1024:
        lag.stylize("bold yellow")
    sync = DASH if not link.syncing else f"{link.sync_progress:.0%}" if link.sync_progress is not None else "yes"
    return {
        "replica": Text(safe_text(link.replica, 48)),
        "master": Text(safe_text(link.master, 48)),
        "state": state,
        "link": own,
        "offset": Text(thousands(link.offset) if link.offset is not None else DASH, justify="right"),
        "lag": lag,
        "ack": Text(f"{link.lag_s:.0f}s" if link.lag_s is not None else DASH, justify="right"),
        "sync": Text(sync, justify="right", style="bold yellow" if link.syncing else ""),
        "ro": Text(_yes_no(link.read_only), style="bold yellow" if link.read_only is False else ""),
        "stale": Text(_yes_no(link.serve_stale)),
    }


def master_text(masters: Sequence[MasterLine], rows: Sequence[Link]) -> Text:
    """One line per master (offset, replicas, backlog, resyncs); a replica whose master is not polled says so."""
    text = Text(no_wrap=False)
    for line in masters:
        if text:
            text.append("\n")
        text.append("master ", style="dim").append(safe_text(line.addr, 48), style="bold")
        text.append(f" · offset {thousands(line.offset) if line.offset is not None else DASH}")
        text.append(f" · {line.replicas} replica{'s' if line.replicas != 1 else ''}")
        use = f", {line.backlog_use:.0%} used" if line.backlog_use is not None else ""
        text.append(f" · backlog {human_bytes(line.backlog_size)}{use}")
        if line.sync_full is not None:
            text.append(f" · resyncs: full {line.sync_full}, partial {line.sync_partial_ok or 0}, refused "
                        f"{line.sync_partial_err or 0}", style="bold yellow" if line.sync_partial_err else "")
    polled_masters = {m.addr for m in masters}
    for link in rows:
        if link.master not in polled_masters:
            if text:
                text.append("\n")
            text.append("replica ", style="dim").append(safe_text(link.replica, 48), style="bold")
            text.append(f" of {safe_text(link.master, 48)} (the master is not watched: its side is unknown)",
                        style="dim")
    if not text:
        text.append("No replication: no replica, and no master to replicate from.", style="dim")
    return text


class ReplicationScreen(Screen):
    """Masters and their replicas: offsets, lag, links, backlog."""

    DEFAULT_CSS = """
    ReplicationScreen #replication-masters { height: auto; max-height: 8; padding: 0 1; }
    ReplicationScreen #replication-links { height: 1fr; border: round $primary 60%; border-title-style: bold; }
    """

    BINDINGS = [
        Binding("escape,l", "back", "Back", tooltip="back to where you came from"),
    ]

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield OutageBanner(id="outage", compact=True)
        yield Static(id="replication-masters")
        yield Table(id="replication-links", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(Table)
        table.border_title = "Replicas"
        table.border_subtitle = "lag: bytes behind the master · ack: seconds since its last ack · ro: read-only · " \
                                "stale: serves stale data when the link is down"
        self._keys: list[str] = []
        for name in ("cluster", "snapshot"):
            self.watch(self.app, name, lambda _value: self.refresh_links(), init=False)
        self.refresh_links()
        table.focus()

    def refresh_links(self) -> None:
        """Show the app's latest poll."""
        masters, rows = links(polled(host(self)))
        header = self.query_one("#replication-masters", Static)
        text = master_text(masters, rows)
        if header.content != text:
            header.update(text)  # its height follows the number of masters
        several = len({link.master for link in rows}) > 1
        keys = [key for _, key in COLUMNS if key != "master" or several]
        table = self.query_one(Table)
        if keys != self._keys:
            table.clear(columns=True)
            for label, key in COLUMNS:
                if key in keys:
                    table.add_column(Text(label, justify="right" if key in RIGHT else "left"), key=key)
            self._keys = keys
        sync_rows(table, {f"{link.master}>{link.replica}": [link_cells(link)[k] for k in keys] for link in rows})

    def action_back(self) -> None:
        """Back to where you came from."""
        self.dismiss()
