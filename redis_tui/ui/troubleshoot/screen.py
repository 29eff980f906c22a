"""The troubleshooting panel: findings (most severe first, evidence, numbered hints) and the
production-readiness checklist. Opened with `t`; the app opens on it when it cannot connect.

One finding is selected (↑ ↓); enter or g opens the screen that details it: its insight screen (the registry's
`for_finding`; its title says which key opens it, "→ S slow log"), or on a cluster the topology screen with the
node a cluster finding names selected (`cluster-down`: the node that says so; `cluster-slots-uncovered`: no node).
"""

from __future__ import annotations

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane

from redis_tui.core.diagnosis.checklist import FAIL, PASS, UNKNOWN, WARN, CheckLine, checklist
from redis_tui.core.diagnosis.cluster_checklist import topology_checklist
from redis_tui.core.display import safe_text
from redis_tui.core.findings import CRITICAL, INFO, WARNING, Finding, counts, status_of
from redis_tui.ui.insight.base import InsightScreen
from redis_tui.ui.insight.registry import for_finding
from redis_tui.ui.widgets.footer import KeyFooter
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.outage import OutageBanner
from redis_tui.ui.widgets.status import StatusBar

SEVERITY_STYLE = {CRITICAL: "bold white on red", WARNING: "bold black on yellow", INFO: "bold white on blue"}
SELECTED_STYLE = "on grey23"
CHECK_MARK = {PASS: ("✔ pass", "bold green"), WARN: ("▲ warn", "bold yellow"), FAIL: ("✖ fail", "bold red"),
              UNKNOWN: ("? n/a ", "bold magenta")}


def _steps(rows: list[tuple[Text, Text]]) -> Table:
    """Label + text rows; wrapped text stays indented under its own column."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(ratio=1)
    for label, text in rows:
        grid.add_row(label, text)
    return grid


def render_finding(finding: Finding) -> Group:
    """One finding: badge and id, title, evidence, numbered hints (all plain text, escaped)."""
    head = Text()
    head.append(f" {finding.severity.upper()} ", style=SEVERITY_STYLE[finding.severity])
    head.append(f" {finding.id}  ", style="bold")
    head.append(safe_text(finding.title, 300), style="bold")
    entry = for_finding(finding.id)
    if entry is not None:
        head.append(f"  → {entry.key} {entry.title.lower()}", style="bold cyan")
    rows = []
    if finding.detail:
        rows.append((Text("evidence", style="dim"), Text(safe_text(finding.detail, 600))))
    for number, hint in enumerate(finding.hints, 1):
        rows.append((Text(f"{number}.", style="bold cyan"), Text(safe_text(hint, 600))))
    return Group(head, Padding(_steps(rows), (0, 0, 1, 2)))


def render_findings(findings: tuple[Finding, ...], selected: int | None = None) -> Group | Text:
    """Every finding, most severe first; the `selected` one (an index) on a lighter background, marked ▶."""
    if not findings:
        return Text("✔ Nothing wrong found. The checklist tab (c) reviews production readiness.", style="bold green")
    return Group(*(render_finding(finding) if index != selected else selected_block(finding)
                   for index, finding in enumerate(findings)))


def selected_block(finding: Finding) -> Padding:
    """A finding as the selected one: ▶ before its head, its whole block on a lighter background."""
    body = render_finding(finding)
    head = body.renderables[0]
    assert isinstance(head, Text)
    body.renderables[0] = Text("▶ ", style="bold").append_text(head)
    return Padding(body, 0, style=SELECTED_STYLE, expand=True)


def finding_key(finding: Finding) -> tuple[str, str]:
    """What stays the same about a finding from one poll to the next (its title and evidence may change)."""
    return finding.id, finding.node


def node_of(finding: Finding) -> str | None:
    """The node a cluster finding is about (`cluster-down`: the node that says so), None when it names none."""
    if finding.node:
        return finding.node
    seen_from = finding.evidence.get("seen_from") if finding.id == "cluster-down" else None
    return str(seen_from) if seen_from else None


def on_topology(finding: Finding) -> bool:
    """A finding the topology screen can show: a cluster-* finding, or one about a node."""
    return finding.id.startswith("cluster-") or bool(finding.node)


def render_checklist(lines: tuple[CheckLine, ...] | None) -> Table | Text:
    """The checklist: status, item, evidence and what to do (or why there is none yet)."""
    if lines is None:
        return Text("The checklist needs a connection to the server.", style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for line in lines:
        label, style = CHECK_MARK.get(line.status, (line.status, "bold"))
        body = Text(safe_text(line.title, 200), style="bold")
        body.append("\n")
        body.append(safe_text(line.evidence, 600), style="dim" if line.status == PASS else "")
        for hint in line.hint.split("\n") if line.hint else ():
            body.append("\n→ ", style="bold cyan")
            body.append(safe_text(hint, 600))
        body.append("\n")
        grid.add_row(Text(label, style=style), body)
    return grid


def summary(findings: tuple[Finding, ...]) -> Text:
    """``WARNING — 0 critical · 2 warnings · 4 info``."""
    status = status_of(findings)
    style = {"OK": "bold green", "WARNING": "bold yellow", "CRITICAL": "bold red"}[status]
    n = counts(findings)
    text = Text(status, style=style)
    text.append(f" — {n[CRITICAL]} critical · {n[WARNING]} warning{'s' if n[WARNING] != 1 else ''} · "
                f"{n[INFO]} info", style="dim")
    return text


class TroubleshootScreen(Screen):
    """Findings and checklist, live: re-rendered on every poll."""

    BINDINGS = [
        Binding("escape,t", "app.pop_screen", "Dashboard"),
        Binding("f", "show_tab('findings')", "Findings"),
        Binding("c", "show_tab('checklist')", "Checklist"),
        Binding("P", "app.password", "Password", tooltip="type the server's password (NOAUTH / WRONGPASS); "
                "used for this session only, never stored"),
        Binding("enter,g", "open_finding", "Open", priority=True,
                tooltip="open the screen that details the selected finding: its insight screen (the key after → "
                "in its title), or on a cluster the topology screen with the finding's node selected"),
        Binding("down", "select(1)", "Next finding", show=False, priority=True,
                tooltip="select the next finding (enter / g: the screen that details it)"),
        Binding("up", "select(-1)", "Previous finding", show=False, priority=True,
                tooltip="select the previous finding"),
    ]

    def __init__(self) -> None:
        super().__init__()
        # kept by reference: TabbedContent mounts its panes' contents later than this
        # screen's on_mount, and the first findings may arrive in between
        self.summary = Static(id="findings-summary")
        self.findings_body = Static(id="findings-body")
        self.checklist_body = Static(id="checklist-body")
        self.selected: tuple[str, str] | None = None  # the selected finding (`finding_key`)
        self._shown: tuple[Finding, ...] = ()

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield OutageBanner(id="outage", compact=True)
        yield self.summary
        with TabbedContent(initial="findings"):
            with TabPane("Findings (f)", id="findings"), VerticalScroll():
                yield self.findings_body
            with TabPane("Production checklist (c)", id="checklist"), VerticalScroll():
                yield self.checklist_body
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "outage", lambda _outage: self.refresh_bindings())  # P comes and goes
        self.watch(self.app, "findings", self._show_findings, init=True)
        self.watch(self.app, "snapshot", lambda _snapshot: self._show_checklist(), init=True)
        self.watch(self.app, "cluster", self._on_cluster, init=False)

    def action_show_tab(self, tab: str) -> None:
        """Switch between findings and checklist."""
        self.query_one(TabbedContent).active = tab

    def _on_cluster(self, _cluster: object) -> None:
        self.refresh_bindings()  # enter / g may open the topology screen now
        self._show_checklist()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("select", "open_finding"):
            # on the findings tab, with findings: elsewhere the keys scroll as they did
            if not self._shown or not self.is_mounted or self.query_one(TabbedContent).active != "findings":
                return False
            return action == "select" or any(self._opens(f) for f in self._shown)
        return True

    def _opens(self, finding: Finding) -> bool:
        """A screen details `finding`: an insight screen, or (on a cluster) the topology screen."""
        return for_finding(finding.id) is not None or (host(self).cluster is not None and on_topology(finding))

    def action_select(self, step: int) -> None:
        """Select the next (1) or previous (-1) finding."""
        index = self._selected_index()
        index = 0 if index is None else max(0, min(len(self._shown) - 1, index + step))
        self.selected = finding_key(self._shown[index])
        self._render_findings()
        self._scroll_to_selected(index)

    async def action_open_finding(self) -> None:
        """Open the screen that details the selected finding: its insight screen (on the finding's node), else
        on a cluster the topology screen with its node selected (for a finding no screen details: the first
        cluster finding's)."""
        index = self._selected_index()
        finding = self._shown[index] if index is not None else None
        entry = for_finding(finding.id) if finding is not None else None
        if finding is not None and entry is not None and not finding.id.startswith("cluster-"):
            await self.app.run_action(f"insight({entry.name!r})")
            screen = self.app.screen
            if finding.node and isinstance(screen, InsightScreen) and finding.node in screen.nodes():
                screen.node = finding.node
            return
        if host(self).cluster is None:
            return
        if finding is None or not on_topology(finding):
            finding = next((f for f in self._shown if on_topology(f)), None)
        if finding is None:
            return
        host(self).open_topology(node_of(finding))

    def _selected_index(self) -> int | None:
        keys = [finding_key(f) for f in self._shown]
        return keys.index(self.selected) if self.selected in keys else None

    def _show_findings(self, findings: tuple[Finding, ...]) -> None:
        before = self._selected_index()
        self._shown = findings
        if findings and self._selected_index() is None:  # new, or the selected one cleared: the nearest
            self.selected = finding_key(findings[min(before or 0, len(findings) - 1)])
        self.summary.update(summary(findings))
        self._render_findings()
        self.refresh_bindings()

    def _render_findings(self) -> None:
        self.findings_body.update(render_findings(self._shown, self._selected_index()))

    def _scroll_to_selected(self, index: int) -> None:
        """Bring the selected finding into view (its place measured at the body's width)."""
        width = self.findings_body.content_region.width or self.app.size.width
        options = self.app.console.options.update_width(max(1, width))
        blocks = [selected_block(f) if i == index else render_finding(f) for i, f in enumerate(self._shown)]
        heights = [len(self.app.console.render_lines(block, options, pad=False)) for block in blocks]
        top = sum(heights[:index])
        scroll = self.findings_body.parent
        if isinstance(scroll, VerticalScroll):
            scroll.scroll_to_region(Region(0, top, width, heights[index]), animate=False, immediate=True)

    def _show_checklist(self) -> None:
        app = host(self)
        lines = None
        if app.cluster is not None:  # judge the whole cluster, whichever node the dashboard shows
            lines = topology_checklist(app.cluster.round, app.target, app.diagnoser.limits)
        elif app.snapshot is not None:
            lines = checklist(app.snapshot, app.target, app.diagnoser.limits)
        self.checklist_body.update(render_checklist(lines))
