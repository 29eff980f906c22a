"""The one-line bar of the keys screen: how many keys are listed, of how many, and the filters.

Its figures agree with the namespace tree: when the tree has counted the keys the list
shows (the same type, and every key or one branch), the bar says "1,000 of 2,249 keys"
from that same count, instead of a SCAN cursor's share of the keyspace. On a cluster, DBSIZE
is the sum over the primaries, and what the scan covers follows it (`cover`: "3 primaries",
the nodes that are down).
"""

from __future__ import annotations

from rich.text import Text

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_count, percent, thousands
from redis_tui.core.keyspace.scan import ScanPage


def visited(progress: float) -> str:
    """A SCAN's share of the keyspace: ``40%``, ``0.4%``, ``<0.1%``."""
    if progress <= 0:
        return "0%"
    if progress < 0.001:
        return "<0.1%"
    return percent(progress, 1 if progress < 0.1 else 0)


def bar_text(listed: int, page: ScanPage | None, *, loading: bool = False, dbsize: int | None = None,
             match: bytes | None = None, kind: str | None = None, problem: str = "",
             total: tuple[int, bool] | None = None, cover: Text | None = None) -> Text:
    """``1,000 of 2,249 keys · loading… · DBSIZE 91,402 · match user:* · type hash``.

    `total` is the tree's count of the keys the list is filtered to (keys, exact?), or None
    when the tree does not count them (then the bar says how much of the keyspace the
    list's SCAN visited). `cover` follows DBSIZE (on a cluster: the nodes scanned)."""
    bar = Text(no_wrap=True, overflow="ellipsis")
    bar.append(thousands(listed), style="bold")
    if page is not None and page.done and getattr(page, "complete", True):
        bar.append(" key (scan complete)" if listed == 1 else " keys (scan complete)", style="dim")
    elif page is not None and page.done:  # every node that answered is scanned; one was not
        bar.append(" key" if listed == 1 else " keys", style="dim")
        bar.append(f" (scan incomplete: {visited(page.progress)} of the keyspace)", style="bold red")
    elif total is not None:
        keys, exact = total
        bar.append(" of ", style="dim")
        bar.append(thousands(max(keys, listed)) if exact else "~" + human_count(max(keys, listed)),
                   style="bold" if exact else "yellow")
        bar.append(" key" if keys == 1 and exact else " keys", style="dim")
    else:
        bar.append(" key" if listed == 1 else " keys", style="dim")
        if page is not None:
            bar.append(f" · {visited(page.progress)} of the keyspace scanned", style="dim")
    if loading:
        bar.append(" · loading…", style="yellow")
    if dbsize is not None:
        bar.append(f" · DBSIZE {thousands(dbsize)}", style="dim")
    if cover is not None:
        bar.append_text(cover)
    bar.append(" · match ", style="dim")
    bar.append(safe_text(match, 60) if match else "*", style="bold")
    bar.append(" · type ", style="dim")
    bar.append(kind or "all", style="bold")
    if problem:
        bar.append(f"  {problem}", style="bold red")
    return bar
