"""The topology screen's Sentinel pane: each Sentinel (does it answer, how fast, which master it names and how
it flags it, its quorum check), the failovers seen since start, and the latest events the Sentinels published.

Everything a server sent is escaped (`safe_text`); nothing here talks to a server.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_duration
from redis_tui.core.sentinel_state import SentinelState, SentinelView

EVENTS_SHOWN = 30  # newest first; what the pane has no room for is cut off at its bottom


def _answers(view: SentinelView, now: float) -> Text:
    """``● 2 ms`` (how long its answers took this round), or ``✖ 12s ago`` (its last answer) in red."""
    if view.reachable:
        return Text(f"● {view.rtt_ms:.0f} ms" if view.rtt_ms is not None else "● yes", style="green")
    ago = f" {human_duration(max(0.0, now - view.last_ok))} ago" if view.last_ok else " never"
    return Text(f"✖{ago}", style="bold red")


def sentinel_table(state: SentinelState, now: float) -> Table:
    """One row per Sentinel: address, its answer (last ping), the master it names and that master's flags, its
    CKQUORUM."""
    table = Table(box=None, padding=(0, 1), header_style="bold", expand=False)
    for label in ("sentinel", "answers", "names master", "flags", "ckquorum"):
        table.add_column(label, no_wrap=True, overflow="ellipsis")
    for view in state.sentinels:
        names = Text(safe_text(view.master or "—", 48))
        if view.master and view.master != state.master:
            names.stylize("bold yellow")
        flags = view.master_flags - {"master"}
        flag_text = Text(safe_text(",".join(sorted(flags)), 40) or ("ok" if view.reachable else "—"),
                         style="bold red" if flags & {"s_down", "o_down"} else "")
        if view.tilt:
            flag_text.append(" TILT", style="bold red")
        check = Text("—")
        if view.ckquorum_ok is True:
            check = Text("OK", style="green")
        elif view.ckquorum_ok is False:
            check = Text(safe_text(view.ckquorum, 60), style="bold red")
        table.add_row(Text(safe_text(view.addr, 48)), _answers(view, now), names, flag_text, check)
    return table


def history_text(state: SentinelState, limit: int = EVENTS_SHOWN) -> Text:
    """The failovers seen since start (newest first), then the latest `limit` events (newest first)."""
    text = Text()
    for failover in reversed(state.failovers):
        text.append("⇄ ", style="bold yellow").append(safe_text(failover.text(), 200), style="bold")
        text.append("\n")
    if not state.failovers:
        text.append("no failover seen since redis-tui started\n", style="dim")
    for event in list(reversed(state.events))[:limit]:
        style = "red" if event.kind in ("+sdown", "+odown", "+tilt") else "yellow" if event.kind.startswith("+") \
            else "green"
        text.append(safe_text(event.line(), 200), style=style).append("\n")
    text.rstrip()
    return text


class SentinelPane(Static):
    """The Sentinels of the group and its history (hidden outside a Sentinel group)."""

    DEFAULT_CSS = """
    SentinelPane { height: 1fr; min-height: 7; border: round $primary 60%; border-title-style: bold;
                   padding: 0 1; display: none; }
    """

    def show(self, state: SentinelState | None, now: float) -> None:
        """Render `state` (None: hide the pane)."""
        self.display = state is not None
        if state is None:
            return
        answering = len(state.reachable)
        self.border_title = (f"Sentinels: {answering}/{len(state.sentinels)} answer, quorum {state.quorum or '?'} · "
                             "failovers and events")
        self.update(Group(sentinel_table(state, now), Text(""), history_text(state)))
