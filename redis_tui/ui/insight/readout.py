"""Small pieces the memory, config and pub/sub screens share: a share as a bar, a refused command's line, the
snapshot of the node a screen shows, and the app's findings a screen details."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from redis_tui.core.display import safe_text
from redis_tui.core.errors import classify
from redis_tui.core.models import Snapshot
from redis_tui.ui.insight.base import InsightScreen, Reading, missing
from redis_tui.ui.widgets.host import host

SEVERITY_STYLE = {"critical": "bold red", "warning": "bold yellow", "info": "cyan"}


def bar(share: float | None, width: int = 20) -> Text:
    """`share` (0-1) of `width` cells filled; a share over 1 fills the whole bar, in red."""
    if share is None:
        return Text(" " * width)
    filled = max(0, min(width, round(share * width)))
    if share > 0 and filled == 0:
        filled = 1
    style = "red" if share > 1 else "green"
    return Text("█" * filled, style=style).append("░" * (width - filled), style="dim")


def refused(screen: InsightScreen, node: str, exc: BaseException, command: str) -> Text | None:
    """The line saying `command` was refused on `node` (NOPERM: the ACL rule to add)."""
    connections = screen.connections
    if connections is None:
        return None
    problem = classify(exc, connections.target, connected=True)
    return missing(Reading(node, problem=problem), command)


def node_snapshot(screen: InsightScreen, node: str) -> Snapshot | None:
    """The dashboard's latest poll of `node` on a cluster ("" or a single server: the app's snapshot)."""
    cluster = host(screen).cluster
    if node and cluster is not None:
        update = cluster.round.updates.get(node)
        return update if isinstance(update, Snapshot) else None
    return host(screen).snapshot


def finding_lines(screen: InsightScreen, ids: Iterable[str], node: str = "") -> list[Text]:
    """The app's current findings with one of `ids` (about `node`, or the whole target), one line each."""
    wanted = frozenset(ids)
    rows = []
    for finding in host(screen).findings:
        if finding.id not in wanted or (node and finding.node and finding.node != node):
            continue
        line = Text(f"{finding.severity.upper():<8} ", style=SEVERITY_STYLE.get(str(finding.severity), ""))
        line.append(f"{finding.id}: ", style="bold")
        line.append(safe_text(finding.title, 200))
        rows.append(line)
    return rows
