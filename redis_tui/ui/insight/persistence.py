"""The persistence and backups screen (``B``): RDB (last save and its status, changes since, a save under way
and its progress, last BGSAVE duration, fork time, copy-on-write, the `save` rules) and AOF (on/off, fsync
policy, rewrite under way and last status, sizes), read while the screen is open (``INFO persistence``,
``INFO stats``, ``TIME``); the config (`save`, `appendonly`…) comes from the app's ``CONFIG GET *`` poll.

``b`` sends ``BGSAVE`` (``--write`` only, confirmed) and follows it to its end: progress, then ok or err and
the new last-save time — the runbook's backup step done and verified in one place. On a cluster one node at a
time (``n``: the next); BGSAVE goes to the node shown.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from rich.console import Group
from rich.table import Table as Grid
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from redis_tui.core.connection import Commands
from redis_tui.core.display import safe_text
from redis_tui.core.format import DASH, human_bytes, human_duration, thousands
from redis_tui.core.insight.persistence import (
    ERR,
    OK,
    RUNNING,
    Bgsave,
    Persistence,
    bgsave_started,
    bgsave_state,
    persistence_from,
)
from redis_tui.core.models import Snapshot
from redis_tui.core.parse import parse_info, to_int
from redis_tui.ui.insight.base import InsightScreen, Reading, missing
from redis_tui.ui.insight.confirm_write import ConfirmWrite
from redis_tui.ui.widgets.host import host

FOLLOW_EVERY = 0.25  # seconds between reads while a BGSAVE we sent runs
Raw = tuple[Mapping[str, str], Mapping[str, str], float]  # INFO persistence, INFO stats, server time


def status_text(status: str | None) -> Text:
    """``ok`` in green, ``err`` in bold red, unknown as a dash."""
    if status is None:
        return Text(DASH)
    return Text(safe_text(status, 12), style="green" if status == OK else "bold red" if status == ERR else "")


def when(at: int | None, now: float) -> str:
    """``14:02:11 (3m ago)``."""
    if not at:
        return DASH
    return f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(at))} ({human_duration(max(0.0, now - at))} ago)"


def _grid(rows: list[tuple[str, Text | str]]) -> Grid:
    grid = Grid.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    for label, value in rows:
        grid.add_row(label, value if isinstance(value, Text) else Text(value))
    return grid


def rdb_rows(p: Persistence) -> list[tuple[str, Text | str]]:
    """The RDB block."""
    rdb = p.rdb
    if rdb.rules is None:
        rules: Text | str = Text("unknown (CONFIG GET not read)", style="dim")
    elif not rdb.rules:
        rules = Text('save "" — no RDB snapshots', style="bold yellow")
    else:
        rules = "; ".join(str(rule) for rule in rdb.rules)
    if rdb.in_progress:
        progress = f"{rdb.progress:.0%}" if rdb.progress is not None else "under way"
        took = f", {human_duration(rdb.current_s)} so far" if rdb.current_s is not None else ""
        saving: Text | str = Text(f"yes: {progress}{took}", style="bold cyan")
    else:
        saving = "no"
    return [
        ("save rules", rules),
        ("last save", when(rdb.last_save, p.now)),
        ("last status", status_text(rdb.last_status)),
        ("changes since", thousands(rdb.changes_since) if rdb.changes_since is not None else DASH),
        ("saving now", saving),
        ("last bgsave took", human_duration(rdb.last_duration_s) if rdb.last_duration_s is not None else DASH),
        ("fork time", f"{rdb_fork(p)} (latest_fork_usec)"),
        ("copy-on-write", cow_text(p)),
        ("file", safe_text(f"{p.dir or '?'}/{p.dbfilename or '?'}", 120) if p.dir or p.dbfilename else DASH),
    ]


def rdb_fork(p: Persistence) -> str:
    """The latest fork's duration: ``1.2 ms``."""
    if p.fork_us is None:
        return DASH
    if p.fork_us == 0:
        return "no fork yet"
    return f"{p.fork_us / 1000:.1f} ms" if p.fork_us >= 1000 else f"{p.fork_us} µs"


def cow_text(p: Persistence) -> str:
    """Copy-on-write of the fork under way, else of the last RDB save."""
    if p.cow_bytes:
        return f"{human_bytes(p.cow_bytes)} now (current_cow_size)"
    if p.rdb.last_cow_bytes is not None:
        return f"{human_bytes(p.rdb.last_cow_bytes)} at the last save"
    return DASH


def aof_rows(p: Persistence) -> list[tuple[str, Text | str]]:
    """The AOF block."""
    aof = p.aof
    if aof.enabled is None:
        return [("append-only", Text("unknown", style="dim"))]
    if not aof.enabled:
        return [("append-only", Text("off (appendonly no)", style="bold yellow" if not p.rdb.rules else ""))]
    if aof.rewrite_in_progress:
        rewrite: Text | str = Text("yes" + (f", {human_duration(aof.rewrite_current_s)} so far"
                                            if aof.rewrite_current_s is not None else ""), style="bold cyan")
    else:
        rewrite = "scheduled" if aof.rewrite_scheduled else "no"
    size = human_bytes(aof.current_bytes) if aof.current_bytes is not None else DASH
    base = f" (base {human_bytes(aof.base_bytes)})" if aof.base_bytes is not None else ""
    return [
        ("append-only", Text("on", style="green")),
        ("fsync", safe_text(aof.fsync or DASH, 20) + (" (appendfsync)" if aof.fsync else "")),
        ("last write", status_text(aof.last_write_status)),
        ("rewriting now", rewrite),
        ("last rewrite", status_text(aof.last_rewrite_status).append(
            f" · took {human_duration(aof.last_rewrite_s)}" if aof.last_rewrite_s is not None else "", style="")),
        ("size", size + base),
        ("rewrites", str(aof.rewrites) if aof.rewrites is not None else DASH),
    ]


class PersistenceScreen(InsightScreen[Raw]):
    """RDB and AOF of one node, read while open; BGSAVE (--write) followed to its end."""

    NAME = "persistence"
    TITLE = "Persistence and backups"
    EVERY = 1.0
    COST = "INFO persistence, INFO stats, TIME every 1 s while open"

    DEFAULT_CSS = """
    PersistenceScreen #persistence-op { height: auto; padding: 0 1; }
    PersistenceScreen #persistence-scroll { height: 1fr; }
    PersistenceScreen .persistence-block { height: auto; border: round $primary 60%; border-title-style: bold;
                                           padding: 0 1; }
    """

    BINDINGS = [
        Binding("b", "bgsave", "BGSAVE", tooltip="an RDB snapshot now (BGSAVE), followed to its end (with --write "
                "only, after a confirmation; on a cluster: the node shown)"),
    ]

    def __init__(self, connections=None) -> None:
        super().__init__(connections)
        self.state: Persistence | None = None
        self.watching: tuple[str, Bgsave] | None = None  # a BGSAVE we sent: its node and what it was before
        self.outcome: Text | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="persistence-op")
        with VerticalScroll(id="persistence-scroll"):
            yield Static(id="persistence-rdb", classes="persistence-block")
            yield Static(id="persistence-aof", classes="persistence-block")

    def on_mount(self) -> None:
        self.query_one("#persistence-rdb").border_title = "RDB snapshots"
        self.query_one("#persistence-aof").border_title = "AOF (append-only file)"
        if self.connections is None:
            self.watch(self.app, "snapshot", lambda _s: self._show_polled(), init=True)

    def _show_polled(self) -> None:
        snapshot = self.snapshot()
        if snapshot is not None:
            raw = (snapshot.info.get("persistence", {}), snapshot.info.get("stats", {}), snapshot.taken_at)
            self.show_readings({"": Reading("", value=raw, at=snapshot.taken_at)})

    async def read(self, client: Commands) -> Raw:
        info = parse_info(await client.execute_command("INFO", "persistence")).get("persistence", {})
        stats = parse_info(await client.execute_command("INFO", "stats")).get("stats", {})
        now = time.time()
        try:
            reply = await client.execute_command("TIME")
            now = to_int(reply[0], int(now)) + to_int(reply[1], 0) / 1e6
        except Exception:  # noqa: BLE001 - TIME refused or odd: the local clock will do
            pass
        return info, stats, now

    def config_of(self, node: str) -> Mapping[str, str]:
        """The polled config of `node` ("": the server the dashboard shows)."""
        cluster = host(self).cluster
        if node and cluster is not None:
            update = cluster.round.updates.get(node)
            return update.config if isinstance(update, Snapshot) else {}
        snapshot = self.snapshot()
        return snapshot.config if snapshot is not None else {}

    def show(self, readings: Mapping[str, Reading[Raw]]) -> None:
        node, reading = next(iter(readings.items()))
        line = missing(reading, "INFO")
        if reading.value is None:
            self.state = None
            self.query_one("#persistence-rdb", Static).update(line or Text("no reply", style="dim"))
            self.query_one("#persistence-aof", Static).update("")
            return
        info, stats, now = reading.value
        self.state = persistence_from(info, stats, self.config_of(node), now)
        self._follow(node, self.state)
        rdb: Grid | Group = _grid(rdb_rows(self.state))
        if self.state.loading:
            rdb = Group(Text("The server is loading its data from disk.", style="bold yellow"), rdb)
        self.query_one("#persistence-rdb", Static).update(rdb)
        self.query_one("#persistence-aof", Static).update(_grid(aof_rows(self.state)))
        self._show_op()

    def _follow(self, node: str, state: Persistence) -> None:
        if self.watching is None or self.watching[0] != node:
            return
        watch, result = bgsave_state(self.watching[1], state)
        self.watching = (node, watch)
        if result == RUNNING:
            progress = f" {state.rdb.progress:.0%}" if state.rdb.progress is not None else ""
            took = human_duration(max(0.0, time.time() - watch.started_at))
            self.outcome = Text(f"BGSAVE running{progress} ({took})…", style="bold cyan")
            self.set_timer(FOLLOW_EVERY, self.action_read_now)  # closer reads while it runs
            return
        self.watching = None
        if result == OK:
            saved = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(state.rdb.last_save or state.now))
            self.outcome = Text(f"BGSAVE done: ok, saved at {saved} (the new last save)", style="bold green")
            self.notify("BGSAVE done: the RDB snapshot is on disk.", timeout=5, markup=False)
        else:
            self.outcome = Text("BGSAVE failed: rdb_last_bgsave_status err (see the server's log; disk space and "
                                "permissions of dir are the usual causes)", style="bold red")
            self.notify("BGSAVE failed (rdb_last_bgsave_status: err).", severity="error", timeout=8, markup=False)

    def _show_op(self) -> None:
        text = Text()
        if self.outcome is not None:
            text.append_text(self.outcome)
        else:
            text.append("b: BGSAVE now" + ("" if host(self).write else " (needs --write)"), style="dim")
        self.query_one("#persistence-op", Static).update(text)

    # --- BGSAVE ----------------------------------------------------------------------------------
    def action_bgsave(self) -> None:
        """BGSAVE on the node shown, with --write only, after a confirmation; then followed to its end."""
        if not host(self).write:
            self.notify("BGSAVE changes server state: start redis-tui with --write to allow it.",
                        severity="warning", timeout=5, markup=False)
            return
        if self.connections is None:
            return
        node = self.targets()[0]
        where = safe_text(node, 60) if node else safe_text(host(self).target_label, 80)
        fork = f" The last fork took {rdb_fork(self.state)};" if self.state is not None and self.state.fork_us else ""
        note = (f"Sends BGSAVE: the server forks and writes an RDB snapshot in the background.{fork} the fork "
                f"blocks the server for that long, and pages written meanwhile are copied (copy-on-write memory).")
        self.app.push_screen(ConfirmWrite(f"Save a snapshot now on {where}?", note, "BGSAVE"),
                             lambda yes: self._bgsave(node) if yes else None)

    def _bgsave(self, node: str) -> None:
        self.run_worker(self._send_bgsave(node), group="insight-write", exit_on_error=False)

    async def _send_bgsave(self, node: str) -> None:
        before = self.state
        try:
            reply = await self.client(node).execute_command("BGSAVE")
        except Exception as exc:  # refused (a save under way, NOPERM…): said, never a crash
            if self.alive():
                self.outcome = Text(f"BGSAVE refused: {safe_text(str(exc), 160)}", style="bold red")
                self._show_op()
            return
        if not self.alive():
            return
        started = bgsave_started(before, time.time()) if before is not None else Bgsave(time.time(), None, None)
        self.watching = (node, started)
        said = safe_text(reply if isinstance(reply, (bytes, str)) else str(reply), 80)
        self.outcome = Text(f"BGSAVE sent: {said}", style="bold cyan")
        self._show_op()
        self.action_read_now()

