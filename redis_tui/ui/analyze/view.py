"""The analyze report as Rich renderables: totals, by type, TTLs, namespaces, biggest keys.

Key names and prefixes are escaped (`safe_text`) into `Text` cells; a Rich table parses a
plain str cell as markup, so nothing from the server is ever passed as one.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_bytes, human_duration, percent, thousands
from redis_tui.core.keyspace.analyze import Report, TopKey
from redis_tui.core.keyspace.namespace import DEFAULT_MAX_CHILDREN

WIDE = 110  # from this width the report is laid out in two columns
BAR = 16  # cells of a histogram bar


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", box=None, padding=(0, 1),
                  header_style="dim", expand=True)
    for index, name in enumerate(columns):
        if index:
            table.add_column(name, justify="right", no_wrap=True)
        else:
            table.add_column(name, ratio=1, no_wrap=True, overflow="ellipsis")
    return table


def bar(share: float, width: int = BAR) -> Text:
    """A horizontal bar for a share (0.0 – 1.0)."""
    cells = round(max(0.0, min(1.0, share)) * width)
    return Text("█" * cells + "·" * (width - cells), style="cyan")


def totals_text(report: Report) -> Text:
    """``1,000,000 keys · 203.5M · 3.70 s via script`` and whether the run was complete."""
    out = Text()
    out.append(thousands(report.keys_scanned), style="bold")
    out.append(" keys · ", style="dim")
    out.append(human_bytes(report.total_bytes), style="bold")
    out.append(f" · {report.elapsed_s:.2f} s via {report.method}", style="dim")
    if report.sampled:
        out.append(f" · a sample of {thousands(report.dbsize)}", style="yellow")
    if not report.complete:
        out.append(" · PARTIAL (stopped before the end)", style="bold yellow")
    if report.duplicates:
        out.append(f" · {thousands(report.duplicates)} returned twice by SCAN, counted once", style="dim")
    return out


def by_type_table(report: Report) -> Table:
    """Keys and bytes per type, biggest first."""
    table = _table("By type", "type", "keys", "% keys", "bytes", "% bytes")
    keys, size = max(1, report.keys_scanned), max(1, report.total_bytes)
    for total in report.by_type:
        table.add_row(Text(safe_text(total.type, 20)), thousands(total.keys), percent(total.keys / keys),
                      human_bytes(total.bytes), percent(total.bytes / size))
    return table


def ttl_table(report: Report) -> Table:
    """Keys with and without a TTL, and a histogram of the TTLs."""
    ttl = report.ttl
    every = max(1, ttl.persistent + ttl.expiring)
    table = _table("TTL", "", "keys", "%", "")
    table.add_row(Text("no expiry", style="bold"), thousands(ttl.persistent), percent(ttl.persistent / every),
                  bar(ttl.persistent / every))
    table.add_row(Text("expiring", style="bold"), thousands(ttl.expiring), percent(ttl.expiring / every),
                  bar(ttl.expiring / every))
    for label, count in ttl.histogram:
        table.add_row(Text(f"  {label}", style="dim"), thousands(count), percent(count / every), bar(count / every))
    return table


def namespaces_table(report: Report) -> Table:
    """The biggest prefixes at each depth (escaped)."""
    delimiter = safe_text(report.delimiter, 8)
    table = _table(f"Namespaces (by '{delimiter}'), biggest first at each depth", "prefix", "keys", "bytes",
                   "% bytes")
    size = max(1, report.total_bytes)
    depth = None
    for branch in report.namespaces:
        if branch.depth != depth and depth is not None:
            table.add_row(Text(f"depth {branch.depth}", style="dim italic"), "", "", "")
        depth = branch.depth
        keys = thousands(branch.keys) if branch.exact else f"≥{thousands(branch.keys)}"
        table.add_row(Text(safe_text(branch.prefix, 80)), keys, human_bytes(branch.bytes),
                      percent(branch.bytes / size))
    if not report.namespaces:
        table.add_row(Text(f"no key has a '{delimiter}'", style="dim"), "", "", "")
    if report.folded_prefixes:
        note = (f"+{thousands(report.folded_prefixes)} more prefixes, counted in their parents "
                f"({thousands(DEFAULT_MAX_CHILDREN)} kept under a prefix)")
        table.add_row(Text(note, style="dim"), "", "", "")
    return table


def _ttl(top: TopKey) -> str:
    return "—" if top.ttl_s is None else human_duration(top.ttl_s)


def top_table(title: str, keys: tuple[TopKey, ...]) -> Table:
    """Biggest keys: name (escaped), type, bytes, length, TTL."""
    table = _table(title, "key", "type", "bytes", "length", "ttl")
    for top in keys:
        table.add_row(Text(safe_text(top.key, 120) or '""'), Text(safe_text(top.type, 20)), human_bytes(top.bytes),
                      "—" if top.length is None else thousands(top.length), _ttl(top))
    if not keys:
        table.add_row(Text("—", style="dim"), "", "", "", "")
    return table


class ReportView:
    """The whole report; two columns when there is room. Rendered once per width: the
    screen asks for its height and then for its lines, and the tables are costly to lay out."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self._lines: dict[int, list[list[Segment]]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = self._lines.get(options.max_width)
        if lines is None:
            whole = Group(*self._parts(options.max_width))
            lines = self._lines[options.max_width] = console.render_lines(
                whole, options.update(height=None), pad=False, new_lines=True)
        for line in lines:
            yield from line

    def _parts(self, width: int) -> Iterator[RenderableType]:
        report = self.report
        left = Group(by_type_table(report), Text(), ttl_table(report))
        tops = Group(top_table("Biggest keys by memory", report.top_by_bytes), Text(),
                     top_table("Biggest keys by element count", report.top_by_length))
        yield totals_text(report)
        yield Text()
        if width >= WIDE:
            grid = Table.grid(padding=(0, 3), expand=True)
            grid.add_column(ratio=2)
            grid.add_column(ratio=3)
            grid.add_row(left, namespaces_table(report))
            yield grid
        else:
            yield left
            yield Text()
            yield namespaces_table(report)
        yield Text()
        yield tops
