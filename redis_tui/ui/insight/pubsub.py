"""The Pub/Sub screen (``U``): channels with their subscribers (classic and, on 7+, sharded), the pattern count,
and the subscriber clients with their output buffers, the slow ones marked (a subscriber that cannot keep up
grows its buffer until the server closes it, or runs out of memory). Reads every node of a cluster at once."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from redis_tui.core.connection import Commands
from redis_tui.core.display import safe_text
from redis_tui.core.format import human_bytes, human_duration, thousands
from redis_tui.core.insight.pubsub import (
    CHANNEL_CAP,
    SLOW_OMEM,
    PubSubReading,
    fold,
    is_slow,
    pubsub_soft_limit,
    read_pubsub,
    subscribers,
)
from redis_tui.core.models import ClientRow
from redis_tui.ui.insight.base import InsightScreen, Reading, missing
from redis_tui.ui.insight.readout import finding_lines, node_snapshot, refused
from redis_tui.ui.widgets.table import build_table, sync_rows
from redis_tui.ui.widgets.text import lines

FINDINGS = ("client-output-buffer",)
SUBSCRIBERS_SHOWN = 30
CLUSTER_NOTE = ("Cluster: a classic channel's messages are broadcast to every node, so its subscribers are "
                "summed over the nodes they are connected to; a shard channel lives on its slot's node.")


class PubSubScreen(InsightScreen[PubSubReading]):
    """Channels, patterns and subscribers of one server, or of every node of a cluster."""

    NAME = "pubsub"
    TITLE = "Pub/Sub"
    EVERY = 2.0
    FAN_OUT = True
    COST = f"PUBSUB CHANNELS (first {CHANNEL_CAP}) + NUMSUB + NUMPAT (+ SHARD… on 7+) every 2 s while open"

    DEFAULT_CSS = """
    #pubsub-head { height: auto; padding: 0 1; }
    #pubsub-channels { height: 1fr; min-height: 5; }
    #pubsub-scroll { height: 1fr; padding: 0 1; }
    """

    def compose_body(self) -> ComposeResult:
        yield Static(id="pubsub-head")
        yield build_table([("channel", "name", None), ("kind", "kind", 7), ("subscribers", "subs", 11),
                           ("nodes", "nodes", None)], id="pubsub-channels")
        with VerticalScroll(id="pubsub-scroll"):
            yield Static(id="pubsub-clients")

    def on_mount(self) -> None:
        self.show({})

    async def read(self, client: Commands) -> PubSubReading:
        return await read_pubsub(client)

    def show(self, readings: Mapping[str, Reading[PubSubReading]]) -> None:
        read = {node: r.value for node, r in readings.items() if r.value is not None}
        total = fold(read)
        head: list[Text] = []
        if readings:
            classic = sum(c.subscribers for c in total.channels if not c.shard)
            shard = sum(c.subscribers for c in total.channels if c.shard)
            channels = sum(1 for c in total.channels if not c.shard)
            shards = sum(1 for c in total.channels if c.shard)
            line = Text(f"{thousands(channels)} channels ({thousands(classic)} subscriptions) · "
                        f"{thousands(total.patterns)} pattern subscriptions · ", style="bold")
            line.append(f"{thousands(shards)} shard channels ({thousands(shard)} subscriptions)" if any(
                r.shard_error is None for r in read.values()) else "shard channels: not on this server (Redis 7+)")
            head.append(line)
            if total.truncated:
                head.append(Text(f"More channels than the first {CHANNEL_CAP} per node: the rest are not listed.",
                                 style="yellow"))
        else:
            head.append(Text("PUBSUB: reading…", style="dim"))
        if self.nodes():
            head.append(Text(CLUSTER_NOTE, style="dim"))
        for node, reading in readings.items():
            if reading.value is None:
                head.append(missing(reading, "PUBSUB") or Text(""))
            elif reading.value.shard_error is not None and "unknown" not in str(reading.value.shard_error).lower():
                head.append(refused(self, node, reading.value.shard_error, "PUBSUB SHARDCHANNELS") or Text(""))
        head.extend(finding_lines(self, FINDINGS))
        self.query_one("#pubsub-head", Static).update(lines(*head))
        rows = {}
        for channel in total.channels:
            key = ("s:" if channel.shard else "c:") + channel.name.hex()
            rows[key] = [Text(safe_text(channel.name, 80)), "shard" if channel.shard else "classic",
                         Text(thousands(channel.subscribers), justify="right"),
                         Text(safe_text(", ".join(channel.nodes), 80), style="dim")]
        sync_rows(self.query_one("#pubsub-channels", DataTable), rows, order=list(rows))
        self.query_one("#pubsub-clients", Static).update(self._clients())

    def _client_rows(self) -> tuple[list[tuple[str, ClientRow]], int | None, bool]:
        """(node, subscriber) pairs from the dashboard's client lists, the pubsub soft limit, whether any was known."""
        pairs: list[tuple[str, ClientRow]] = []
        soft: int | None = None
        known = False
        for node in self.nodes() or [""]:
            snapshot = node_snapshot(self, node)
            if snapshot is None or snapshot.client_list is None:
                continue
            known = True
            soft = soft or pubsub_soft_limit(snapshot.config)
            pairs += [(node, row) for row in subscribers(snapshot.client_list)]
        pairs.sort(key=lambda pair: (-pair[1].omem, pair[1].id))
        return pairs, soft, known

    def _clients(self) -> Group | Text:
        pairs, soft, known = self._client_rows()
        if not known:
            return Text("Subscribers: the dashboard has no client list (yet, or CLIENT LIST is not permitted).",
                        style="dim")
        slow = sum(1 for _, row in pairs if is_slow(row))
        title = Text(f"Subscriber clients: {len(pairs)} (the dashboard's CLIENT LIST) · slow (output buffer ≥ "
                     f"{human_bytes(SLOW_OMEM)}): {slow}", style="bold")
        if soft:
            title.append(f" · pubsub soft limit {human_bytes(soft)}", style="dim")
        table = Table(box=None, pad_edge=False, expand=False)
        columns = (["node"] if self.nodes() else []) + ["id", "addr", "name", "cmd", "omem", "idle", ""]
        for header in columns:
            table.add_column(header, no_wrap=True, overflow="ellipsis", max_width=24,
                             justify="right" if header in ("id", "omem", "idle") else "left")
        for node, row in pairs[:SUBSCRIBERS_SHOWN]:
            style = "bold red" if (soft and row.omem >= soft) else "bold yellow" if is_slow(row) else ""
            cells = [Text(safe_text(node, 24))] if self.nodes() else []
            cells += [Text(str(row.id)), Text(safe_text(row.addr, 40)), Text(safe_text(row.name, 40)),
                      Text(safe_text(row.cmd, 20)), Text(human_bytes(row.omem), style=style),
                      Text(human_duration(row.idle_s)), Text("SLOW" if style else "", style=style)]
            table.add_row(*cells, style=style or None)
        if len(pairs) > SUBSCRIBERS_SHOWN:
            return Group(title, table, Text(f"… and {len(pairs) - SUBSCRIBERS_SHOWN} more", style="dim"))
        return Group(title, table)
