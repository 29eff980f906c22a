"""`InsightScreen`: the frame every insight screen shares — reads only while it is open, on its own
connection, from every node or one node at a time, and says what it costs and what it could not read.

A subclass gives `read(client)` (one node's data, from `core/insight/`; raise on an error) and
`show(readings)` (render them). The base:

- reads every `EVERY` seconds while the screen is on top, never while it is hidden or closed (so the
  dashboard's steady-state cost stays what it was), and at once on `r`;
- on one server reads it; on a cluster reads every node that answered the last round at once when
  `FAN_OUT` (a slow log, pub/sub: the whole cluster), else one node (`n`: the next), starting with the
  node the dashboard shows;
- gives each node a time budget, so a dead node is a line saying so, never a stall;
- keeps a node's `Problem` beside its data: `missing(reading, "SLOWLOG")` words a refused command
  (NOPERM: the ACL rule to add) for the screen to show while the rest of it works;
- shows the cost (`COST`) and the time of the last read in the bar;
- without connections (tests on fixed data, replay) reads nothing: `show_readings()` takes prepared
  readings, and the screen keeps what it can derive from the app's snapshot.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual.binding import Binding
from textual.timer import Timer

from redis_tui.commands.cluster import node_target
from redis_tui.core.connection import REPLY_TIMEOUT, Commands, Connections
from redis_tui.core.display import safe_text
from redis_tui.core.errors import classify
from redis_tui.core.models import Problem, Snapshot
from redis_tui.core.nodes import SENTINEL, Node
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.tool_screen import ToolScreen

T = TypeVar("T")
PURPOSE = "insight"  # the screens' clients are named redis-tui-insight


@dataclass(frozen=True)
class Reading(Generic[T]):
    """What one node gave (or why not): `value` or `problem`, how long it took, when."""

    node: str  # "host:port"
    value: T | None = None
    problem: Problem | None = None
    took_s: float = 0.0
    at: float = 0.0  # wall clock


def missing(reading: Reading[Any], command: str) -> Text | None:
    """One line saying `command` could not be read on the reading's node (None when it was): a NOPERM names
    the ACL rule to add, an unknown command says the server does not have it."""
    problem = reading.problem
    if problem is None:
        return None
    detail = safe_text(problem.detail or problem.summary, 160)
    node = f" on {safe_text(reading.node, 60)}" if reading.node else ""
    if problem.id == "permission-denied":
        rule = "+" + command.lower().replace(" ", "|")
        return Text(f"{command}{node}: not permitted for this user (NOPERM) — add {rule} to its ACL "
                    f"(ACL SETUSER <user> {rule}).", style="bold yellow")
    if "unknown command" in detail.lower() or "unknown subcommand" in detail.lower():
        return Text(f"{command}{node}: this server does not have it ({detail}).", style="bold yellow")
    return Text(f"{command}{node}: {detail}", style="bold red")


class InsightScreen(ToolScreen, Generic[T]):
    """Subclasses set `NAME`, `TITLE`, `EVERY`, `COST` (and `FAN_OUT`), give `read` and `show`, and yield
    their widgets from `compose_body()`."""

    TITLE: ClassVar[str] = "Insight"
    EVERY: ClassVar[float] = 2.0  # seconds between reads while the screen is open
    COST: ClassVar[str] = ""  # what a read sends, for the bar: "SLOWLOG GET 128 every 2 s while open"
    FAN_OUT: ClassVar[bool] = False  # on a cluster: read every node at once (else one node, n: the next)

    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="back to where you came from"),
        Binding("r", "read_now", "Read now", tooltip="read again now (it reads by itself while the screen is open)"),
        Binding("n", "next_node", "Next node", tooltip="on a cluster: show the next node"),
    ]

    def __init__(self, connections: Connections | None = None) -> None:
        super().__init__()
        self._connections = connections
        self.readings: dict[str, Reading[T]] = {}
        self.node: str | None = None  # on a cluster, when not FAN_OUT: the node shown
        self.opened_at = 0.0  # time.monotonic() when the screen was last opened
        self.first_data_s: float | None = None  # from opening to the first readings shown (bench)
        self._timer: Timer | None = None

    # --- for subclasses ------------------------------------------------------------------------
    async def read(self, client: Commands) -> T:
        """One node's data; raises what the connection raises."""
        raise NotImplementedError

    def show(self, readings: Mapping[str, Reading[T]]) -> None:
        """Render `readings` (by node address; one entry on a single server)."""

    def snapshot(self) -> Snapshot | None:
        """The app's latest poll (what the dashboard shows: a cluster's total or one node's)."""
        return host(self).snapshot

    # --- lifecycle -------------------------------------------------------------------------------
    @property
    def connections(self) -> Connections | None:
        """Where the screen's clients come from (the app's), None when nothing may be sent."""
        if self._connections is not None:
            return self._connections
        return getattr(self.app, "connections", None)

    def on_screen_resume(self) -> None:
        self.opened_at = time.monotonic()
        self.first_data_s = None
        self.call_after_refresh(self._start)  # after the first paint: the body's widgets are there

    def _start(self) -> None:
        self._show_bar()
        if self.connections is not None and self._timer is None and self.is_current:
            self.action_read_now()
            self._timer = self.set_interval(self.EVERY, self.action_read_now)

    def on_screen_suspend(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.workers.cancel_group(self, "insight-read")

    def action_back(self) -> None:
        """Back to where you came from."""
        self.dismiss()

    def action_read_now(self) -> None:
        """Read now (a read still under way is replaced)."""
        if self.connections is None:
            return
        self.run_worker(self._read_all(), group="insight-read", exclusive=True, exit_on_error=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_node":
            return not self.FAN_OUT and len(self.nodes()) > 1
        if action == "read_now":
            return self.connections is not None
        return True

    def action_next_node(self) -> None:
        """On a cluster: show the next node."""
        nodes = self.nodes()
        if not nodes:
            return
        self.node = nodes[(nodes.index(self.node) + 1) % len(nodes)] if self.node in nodes else nodes[0]
        self.readings = {}
        self._show_bar()
        self.action_read_now()

    # --- nodes -----------------------------------------------------------------------------------
    def nodes(self) -> list[str]:
        """The data nodes of the last cluster round that answered (primaries first), [] on one server."""
        cluster = host(self).cluster
        if cluster is None:
            return []
        nodes = sorted((n for n in cluster.round.topology.nodes if n.role != SENTINEL
                        and isinstance(cluster.round.updates.get(n.addr), Snapshot)),
                       key=lambda n: (n.role != "primary", n.addr))
        return [n.addr for n in nodes]

    def targets(self) -> list[str]:
        """The nodes to read now: "" for the one server, every node (FAN_OUT) or the one shown."""
        nodes = self.nodes()
        if not nodes:
            return [""]
        if self.FAN_OUT:
            return nodes
        if self.node not in nodes:
            cluster = host(self).cluster
            focus = cluster.focus if cluster is not None else None
            self.node = focus if focus in nodes else nodes[0]
        return [self.node] if self.node is not None else nodes[:1]

    def client(self, addr: str) -> Commands:
        """The ``redis-tui-insight`` client of the node at `addr` ("": the target itself)."""
        connections = self.connections
        assert connections is not None
        if not addr:
            return connections.client(PURPOSE)
        target = node_target(connections.target, Node(addr=addr))
        if target is None:
            raise ConnectionError(f"no usable address for node {addr}")
        return connections.node(PURPOSE, target)

    # --- reading ---------------------------------------------------------------------------------
    async def _read_all(self) -> None:
        addrs = self.targets()
        readings = await asyncio.gather(*(self._read_one(addr) for addr in addrs))
        if self.alive():
            self.show_readings({r.node: r for r in readings})

    async def _read_one(self, addr: str) -> Reading[T]:
        started = time.monotonic()
        try:
            value = await asyncio.wait_for(self.read(self.client(addr)), REPLY_TIMEOUT)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a node's failure is a line on the screen, never a crash
            connections = self.connections
            assert connections is not None
            problem = classify(exc, connections.target, connected=True)
            return Reading(addr, problem=problem, took_s=time.monotonic() - started, at=time.time())
        if addr == "":
            host(self).connection_ok()
        return Reading(addr, value=value, took_s=time.monotonic() - started, at=time.time())

    def show_readings(self, readings: Mapping[str, Reading[T]]) -> None:
        """Show `readings` (from a read, or prepared by a test or a replay)."""
        self.readings = dict(readings)
        if self.first_data_s is None and self.opened_at:
            self.first_data_s = time.monotonic() - self.opened_at
        self.show(self.readings)
        self._show_bar()

    def _show_bar(self) -> None:
        bar = Text(no_wrap=True, overflow="ellipsis")
        bar.append(self.TITLE, style="bold")
        if self.connections is None:
            bar.append(" · no live reads here: what the dashboard's polls hold", style="dim")
        elif self.COST:
            bar.append(f" · {self.COST}", style="dim")
        if self.nodes():
            bar.append(" · every node" if self.FAN_OUT else f" · node {safe_text(self.node or '', 60)} (n: next)")
        if self.readings:
            last = max(r.at for r in self.readings.values())
            bar.append(f" · read {time.strftime('%H:%M:%S', time.localtime(last))}", style="dim")
            failed = sum(1 for r in self.readings.values() if r.problem is not None)
            if failed:
                bar.append(f" · {failed} node{'s' if failed != 1 else ''} failed", style="bold red")
        self.show_bar(bar)
