"""Rendering for the MONITOR screen: stream lines and top-N tables as plain, escaped Text."""

from __future__ import annotations

import time

from rich.table import Table
from rich.text import Text

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_count, percent
from redis_tui.core.monitor.lines import MonitorLine
from redis_tui.core.monitor.stats import Share

ARG_LIMIT = 64  # characters shown per argument
ARGS_SHOWN = 12  # arguments shown per line

FAMILY_STYLE = {
    "string": "green",
    "hash": "cyan",
    "list": "blue",
    "set": "magenta",
    "sortedset": "bright_magenta",
    "stream": "yellow",
    "pubsub": "bright_blue",
    "scripting": "bold red",
    "transaction": "bright_yellow",
    "admin": "bold red",
    "connection": "bright_black",
    "keyspace": "bright_white",
    "bitmap": "green",
    "hyperloglog": "green",
    "geo": "cyan",
}

COST = (
    "MONITOR streams every command the server runs. It is the most expensive thing a monitoring "
    "tool can ask for: one MONITOR client can cut the server's throughput by about half, and a "
    "monitor that reads too slowly makes the server buffer its output, without limit by default.\n\n"
    "redis-tui reads the stream at full speed and drops only display lines, watches its own "
    "output buffer on the server and stops at {buffer} MB, and stops by itself after {duration}.\n\n"
    "Press s to start, s again to stop."
)


def quote(arg: bytes) -> str:
    """An argument as shown: escaped, bounded, and quoted (redis-cli style) when it has
    spaces or quotes or is empty, so argument boundaries stay visible."""
    text = safe_text(arg, ARG_LIMIT)
    if text and " " not in text and '"' not in text:
        return text
    return '"' + text.replace('"', '\\"') + '"'


def clock_text(seconds: float) -> str:
    """Server timestamp → local ``HH:MM:SS.mmm``."""
    whole = int(seconds)
    return time.strftime("%H:%M:%S", time.localtime(whole)) + f".{int((seconds - whole) * 1000):03d}"


CLIENT_WIDTH = 21  # "255.255.255.255:65535"


def line_text(line: MonitorLine, label: str, family: str, width: int | None = None, node: str | None = None) -> Text:
    """One stream line: time, db, client, the `node` tag (on a cluster), command (colored by
    family), arguments.

    In a `width` too narrow for all of it, the command and its first argument (the key,
    for most commands) stay whole: the client is left out first, then the db and the
    time, then the node tag; the other arguments are cut at the right edge.
    """
    skip = 1 + label.count(" ") if label else 1
    args = line.args[skip:]
    command = safe_text(label or line.command, 32)
    head = [quote(arg) for arg in args[:1]]
    needed = len(command) + sum(1 + len(arg) for arg in head)
    clock, db, client = clock_text(line.time), f" {line.db:>2} ", safe_text(line.client, 28)
    tag = f"{node} " if node else ""
    prefixes = (
        (clock, db, client.ljust(CLIENT_WIDTH) + " ", tag),
        (clock, db, "", tag),
        (clock + " ", "", "", tag),
        ("", "", "", tag),
        ("", "", "", ""),
    )
    parts = prefixes[0]
    if width is not None:
        parts = next((p for p in prefixes if sum(map(len, p)) + needed <= width), prefixes[-1])
    # one span per style (time and db together, the space before the key in the key's): every
    # change of style costs an escape sequence, and the stream is redrawn several times a second
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(parts[0] + parts[1], style="dim")
    out.append(parts[2], style="bright_black")
    out.append(parts[3], style="cyan")
    out.append(command, style=FAMILY_STYLE.get(family, "bold"))
    for text in head:
        out.append(" " + text, style="bold")
    for arg in args[1:ARGS_SHOWN]:
        out.append(" ")
        out.append(quote(arg))
    if len(args) > ARGS_SHOWN:
        out.append(f" …(+{len(args) - ARGS_SHOWN} args)", style="dim")
    if line.truncated:
        out.append(" …(truncated)", style="dim")
    return out


def shares_table(title: str, rows: tuple[Share, ...], limit: int, names: dict[str, str] | None = None) -> Table:
    """A top-N table: name (plus a client's CLIENT SETNAME, when known), count, share."""
    table = Table(title=Text(title, style="bold"), title_justify="left", expand=True, box=None, padding=(0, 1),
                  show_header=False)
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column(justify="right", no_wrap=True)
    table.add_column(justify="right", no_wrap=True, style="bold")
    for share in rows[:limit]:
        label = Text(share.label)
        known = (names or {}).get(share.label)
        if known:
            label.append(f" {safe_text(known, 24)}", style="cyan")
        table.add_row(label, human_count(share.count), percent(share.share, 0))
    if not rows:
        table.add_row(Text("—", style="dim"), "", "")
    return table
