"""The MONITOR filter dialog: commands, key glob, clients, db."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Label

from redis_tui.core.monitor.commands import CommandTable
from redis_tui.core.monitor.filter import Filter, UnknownCommand
from redis_tui.ui.widgets.dialog import Dialog


class FilterDialog(Dialog[Filter]):
    """Edit the filter; returns the new `Filter`, or None when cancelled.

    Input it cannot use (an unknown command, a database that is not a number) is refused
    with a message, and the dialog stays open with what the user typed.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without changing the filter")]
    question = "Filter the stream and the top tables (empty = everything)"
    buttons = (("Apply", "primary", "apply"), ("Clear all", "default", "clear"), ("Cancel", "default", "cancel"))
    box_id = "filter-dialog"

    def __init__(self, current: Filter, table: CommandTable | None = None) -> None:
        super().__init__()
        self.current = current
        self.table = table

    def body(self) -> ComposeResult:
        spec = self.current
        yield Label("Commands (comma-separated, e.g. SET,GET or CONFIG GET)", classes="field")
        yield Input(",".join(sorted(spec.commands)), id="commands", placeholder="SET,GET")
        yield Label("Key glob on the first key (Redis glob, as SCAN MATCH)", classes="field")
        key = spec.key.decode("utf-8", "surrogateescape") if spec.key is not None else ""
        yield Input(key, id="key", placeholder="user:*")
        yield Label("Clients (comma-separated: ip:port, ip, unix, lua, or a glob)", classes="field")
        yield Input(",".join(spec.clients), id="clients", placeholder="10.0.0.5")
        yield Label("Database", classes="field")
        yield Input("" if spec.db is None else str(spec.db), id="db", placeholder="any", type="integer")

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self._apply()

    def pressed(self, button_id: str) -> None:
        if button_id == "apply":
            self._apply()
        elif button_id == "clear":
            self.dismiss(Filter())
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        """Close without changing the filter."""
        self.dismiss(None)

    def _apply(self) -> None:
        value = {name: self.query_one(f"#{name}", Input).value.strip() for name in ("commands", "key", "clients", "db")}
        db = None
        if value["db"]:
            if not value["db"].isdigit():
                self._refuse("db", "database must be a number (0 or more)")
                return
            db = int(value["db"])
        try:
            spec = Filter.build(commands=value["commands"].split(","), key=value["key"] or None,
                                clients=value["clients"].split(","), db=db, table=self.table)
        except UnknownCommand as exc:
            self._refuse("commands", str(exc))
            return
        self.dismiss(spec)

    def _refuse(self, field: str, message: str) -> None:
        self.error(message)
        self.query_one(f"#{field}", Input).focus()
