"""`K` on the dashboard (the app's binding; the clients table's cursor picks the client): close
that client's connection with ``CLIENT KILL ID``.

Only with --write (without it a toast says how to allow it), and only after a dialog that names
the client: id, address, name, age and last command, every server string escaped. redis-tui's own
connections (the poller's address, names starting ``redis-tui``) get an extra warning: killing one
only makes redis-tui reconnect. On a cluster's whole view the table keys rows by (node, id): the
kill goes to that node. ``CLIENT PAUSE`` / ``UNPAUSE`` are not offered.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from redis_tui.commands.cluster import node_target
from redis_tui.core.connection import CLIENT_NAME, Commands, Connections
from redis_tui.core.display import safe_text
from redis_tui.core.format import human_duration
from redis_tui.core.models import ClientRow, Snapshot
from redis_tui.core.nodes import Node
from redis_tui.ui.widgets.dialog import Dialog
from redis_tui.ui.widgets.host import Host

PURPOSE = "clients"  # our connection that sends CLIENT KILL: redis-tui-clients
WRITE_HINT = "CLIENT KILL closes a connection: start redis-tui with --write to allow it"


def own_addresses(app: Host) -> frozenset[str]:
    """The addresses of the pollers' own connections (every node's on a cluster)."""
    out = set()
    snapshot = app.snapshot
    if snapshot is not None and snapshot.own_addr:
        out.add(snapshot.own_addr)
    cluster = app.cluster
    if cluster is not None:
        out.update(u.own_addr for u in cluster.round.updates.values() if isinstance(u, Snapshot) and u.own_addr)
    return frozenset(out)


def is_own(client: ClientRow, own: frozenset[str]) -> bool:
    """True for one of redis-tui's connections: the poller's address, or a name starting ``redis-tui``."""
    return client.addr in own or client.name.startswith(CLIENT_NAME)


def describe(node: str, client: ClientRow) -> Text:
    """The client as the dialog names it (every server string escaped, plain text)."""
    out = Text(overflow="fold")
    rows = [("id", str(client.id)), ("addr", safe_text(client.addr, 60)),
            ("name", safe_text(client.name, 60) or "(none)"), ("age", human_duration(client.age_s)),
            ("idle", human_duration(client.idle_s)), ("last command", safe_text(client.cmd, 40) or "—"),
            ("user", safe_text(client.user, 40) or "—")]
    if node:
        rows.insert(0, ("node", safe_text(node, 60)))
    for index, (label, value) in enumerate(rows):
        if index:
            out.append("\n")
        out.append(f"{label:>12} ", style="dim")
        out.append(value, style="bold")
    return out


class KillDialog(Dialog[bool]):
    """Close this client's connection? Names it; dismisses with True, or None when cancelled."""

    BINDINGS = [Binding("escape,n", "cancel", "Cancel"), Binding("y", "confirm", "Kill")]
    question = "Close this client's connection (CLIENT KILL ID)?"
    buttons = (("Kill", "error", "confirm"), ("Cancel", "default", "cancel"))
    first_focus = "#cancel"  # an absent-minded enter changes nothing
    box_id = "kill-dialog"

    def __init__(self, node: str, client: ClientRow, own: bool) -> None:
        super().__init__()
        self.node, self.client, self.own = node, client, own

    def body(self) -> ComposeResult:
        yield Static(describe(self.node, self.client), classes="dialog-key")
        if self.own:
            yield Static(Text("This is one of redis-tui's own connections: killing it only makes redis-tui "
                              "reconnect (and may hide what you are looking at for a moment).", style="bold yellow"),
                         classes="dialog-note")
        yield Static(Text("The client sees its connection closed; a pool usually reconnects at once. "
                          "Nothing else changes.", style="dim"), classes="dialog-note")

    def action_confirm(self) -> None:
        """Kill it."""
        self.dismiss(True)


def kill_client(connections: Connections | None, node: str) -> Commands:
    """The connection that sends CLIENT KILL: ours to the target, or to `node` on a cluster."""
    if connections is None:
        raise ConnectionError("no connection to the server (fixed data)")
    if not node:
        return connections.client(PURPOSE)
    target = node_target(connections.target, Node(addr=node))
    if target is None:
        raise ConnectionError(f"no usable address for node {node}")
    return connections.node(PURPOSE, target)


async def kill(client: Commands, client_id: int) -> bool:
    """``CLIENT KILL ID <id>``: True when a connection was closed (False: it was already gone)."""
    return bool(await client.execute_command("CLIENT", "KILL", "ID", str(client_id)))
