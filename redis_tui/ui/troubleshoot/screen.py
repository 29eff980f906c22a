"""The troubleshooting panel: findings (most severe first, evidence, numbered hints) and the
production-readiness checklist. Opened with `t`; the app opens on it when it cannot connect.
"""

from __future__ import annotations

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane

from redis_tui.core.diagnosis.checklist import FAIL, PASS, UNKNOWN, WARN, CheckLine, checklist
from redis_tui.core.diagnosis.cluster_checklist import cluster_checklist
from redis_tui.core.display import safe_text
from redis_tui.core.findings import CRITICAL, INFO, WARNING, Finding, counts, status_of
from redis_tui.ui.widgets.footer import KeyFooter
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.outage import OutageBanner
from redis_tui.ui.widgets.status import StatusBar

SEVERITY_STYLE = {CRITICAL: "bold white on red", WARNING: "bold black on yellow", INFO: "bold white on blue"}
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
    rows = []
    if finding.detail:
        rows.append((Text("evidence", style="dim"), Text(safe_text(finding.detail, 600))))
    for number, hint in enumerate(finding.hints, 1):
        rows.append((Text(f"{number}.", style="bold cyan"), Text(safe_text(hint, 600))))
    return Group(head, Padding(_steps(rows), (0, 0, 1, 2)))


def render_findings(findings: tuple[Finding, ...]) -> Group | Text:
    """Every finding, most severe first."""
    if not findings:
        return Text("✔ Nothing wrong found. The checklist tab (c) reviews production readiness.", style="bold green")
    return Group(*(render_finding(finding) for finding in findings))


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
    ]

    def __init__(self) -> None:
        super().__init__()
        # kept by reference: TabbedContent mounts its panes' contents later than this
        # screen's on_mount, and the first findings may arrive in between
        self.summary = Static(id="findings-summary")
        self.findings_body = Static(id="findings-body")
        self.checklist_body = Static(id="checklist-body")

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
        self.watch(self.app, "cluster", lambda _cluster: self._show_checklist(), init=False)

    def action_show_tab(self, tab: str) -> None:
        """Switch between findings and checklist."""
        self.query_one(TabbedContent).active = tab

    def _show_findings(self, findings: tuple[Finding, ...]) -> None:
        self.summary.update(summary(findings))
        self.findings_body.update(render_findings(findings))

    def _show_checklist(self) -> None:
        app = host(self)
        lines = None
        if app.cluster is not None:  # judge the whole cluster, whichever node the dashboard shows
            update = app.cluster.round
            lines = cluster_checklist(update.topology, update.updates, app.target, app.diagnoser.limits)
        elif app.snapshot is not None:
            lines = checklist(app.snapshot, app.target, app.diagnoser.limits)
        self.checklist_body.update(render_checklist(lines))
