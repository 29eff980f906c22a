"""Keyspace pane: keys, keys with an expiry and average TTL per database; total and its trend."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable

from redis_tui.core.format import human_duration, human_rate, percent, thousands
from redis_tui.core.models import Snapshot
from redis_tui.ui.dashboard.pane import Pane
from redis_tui.ui.widgets.figures import Figures
from redis_tui.ui.widgets.spread import SpreadLine
from redis_tui.ui.widgets.table import build_figures_table, sync_rows
from redis_tui.ui.widgets.text import label_value, set_text

COLUMNS = (("db", "db", 4), ("keys", "keys", 11), ("expires", "expires", 11), ("avg ttl", "ttl", 8))


class KeyspacePane(Pane):
    """INFO keyspace as a table, one row per database."""

    TITLE = "Keyspace"

    def compose(self) -> ComposeResult:
        yield Figures(id="keyspace-text")
        yield SpreadLine("keys")
        yield build_figures_table(COLUMNS, id="keyspace")

    def show(self, snapshot: Snapshot | None) -> None:
        text = self.query_one("#keyspace-text", Figures)
        if snapshot is None:
            set_text(text, Text("—", style="dim"))
            return
        trend = snapshot.rates.keys
        trend_text = human_rate(trend)
        if trend is not None and trend > 0:
            trend_text = "+" + trend_text
        total = snapshot.total_keys
        set_text(text, label_value(("total", thousands(total)), ("", Text(trend_text, style="dim")),
                                ("", Text(f"· {percent(snapshot.ttl_share, 0)} expiring", style="dim")),
                                gap=" "))
        rows = {
            str(db.db): (
                Text(f"db{db.db}"),
                Text(thousands(db.keys), justify="right"),
                Text(thousands(db.expires), justify="right"),
                Text(human_duration(db.avg_ttl_ms / 1000) if db.avg_ttl_ms else "—", justify="right"),
            )
            for db in snapshot.keyspace
        }
        sync_rows(self.query_one(DataTable), rows, order=list(rows))
