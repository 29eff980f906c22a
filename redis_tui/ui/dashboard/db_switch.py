"""`d` on the dashboard: switch the database redis-tui looks at, without a restart (`-n`).

The dialog lists the databases that hold keys (INFO keyspace, from the last poll) and asks for a
number (the current one filled in). Switching is not a write: our own connections SELECT the
other database (they are opened again on it); the keys screen restarts its scan there, analyze
runs there, the status line names it. A cluster has one database: not offered there.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static

from redis_tui.core.format import thousands
from redis_tui.core.models import DbKeys
from redis_tui.ui.widgets.dialog import Dialog

LISTED = 16  # databases listed in the dialog (the rest are counted)
CLUSTER_NOTE = "A cluster has one database (db 0): there is nothing to switch to"


def databases_text(keyspace: tuple[DbKeys, ...], current: int) -> Text:
    """``db0  1,234 keys (12 with a TTL)`` lines, the current one marked."""
    out = Text()
    if not keyspace:
        out.append("no database holds keys yet (INFO keyspace is empty)", style="dim")
        return out
    for index, db in enumerate(sorted(keyspace, key=lambda d: d.db)[:LISTED]):
        if index:
            out.append("\n")
        mark = "▶ " if db.db == current else "  "
        out.append(f"{mark}db{db.db:<3}", style="bold cyan" if db.db == current else "bold")
        out.append(f" {thousands(db.keys):>12} keys", style="")
        if db.expires:
            out.append(f" ({thousands(db.expires)} with a TTL)", style="dim")
    if len(keyspace) > LISTED:
        out.append(f"\n… and {len(keyspace) - LISTED} more", style="dim")
    return out


def parse_db_number(text: str, databases: int | None) -> int | str:
    """The database number typed, or why it cannot be used."""
    text = text.strip().removeprefix("db")
    try:
        db = int(text)
    except ValueError:
        return "a database number, 0 or more"
    if db < 0:
        return "a database number, 0 or more"
    if databases is not None and db >= databases:
        return f"this server has {databases} databases: 0 to {databases - 1}"
    return db


class DatabaseDialog(Dialog[int]):
    """Which database to look at; dismisses with its number, or None."""

    question = "Switch to another database (SELECT; nothing is written)"
    buttons = (("Switch", "primary", "confirm"), ("Cancel", "default", "cancel"))
    first_focus = "#db-number"
    box_id = "db-dialog"

    def __init__(self, current: int, keyspace: tuple[DbKeys, ...], databases: int | None = None) -> None:
        super().__init__()
        self.current, self.keyspace, self.databases = current, keyspace, databases

    def body(self) -> ComposeResult:
        yield Static(databases_text(self.keyspace, self.current), classes="dialog-key")
        yield Input(str(self.current), id="db-number", placeholder="database number", type="integer")
        count = f" (this server has {self.databases})" if self.databases is not None else ""
        yield Static(Text(f"Now: db{self.current}{count}. The keys screen scans the new database, analyze runs "
                          "on it, the status line names it.", style="dim"), classes="dialog-note")

    def action_confirm(self) -> None:
        """Check the number and close with it."""
        db = parse_db_number(self.query_one("#db-number", Input).value, self.databases)
        if isinstance(db, str):
            self.error(db)
        else:
            self.dismiss(db)
