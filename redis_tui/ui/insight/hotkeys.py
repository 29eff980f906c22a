"""The hot keys screen (``H``): the keys used most, found on a key press.

While open it reads only the maxmemory-policy and DBSIZE (every 10 s), to say up front which
method `s` will use and what it costs: with an LFU policy, a scan of every key's OBJECT FREQ
(one read-only script call per batch, `core/insight/hotkeys.LfuScan`); otherwise a MONITOR
sample of 10 s counting the first key of each command (`commands/hotkeys_monitor.Sample`).
The run is a worker; `s` or escape stops it early and keeps what was found. On a cluster
every primary is scanned (or sampled) at once and the lists merged; behind Sentinel, the
master; in a fleet, the server shown.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from redis_tui.commands.cluster import node_target
from redis_tui.commands.hotkeys_monitor import Sample, SampleFailed
from redis_tui.core.connection import Client, Commands, Connections
from redis_tui.core.display import safe_text
from redis_tui.core.errors import classify
from redis_tui.core.format import human_duration, percent, thousands
from redis_tui.core.insight.hotkeys import BATCH, LFU, SECONDS, TOP, HotKey, HotKeys, LfuScan, is_lfu, merge
from redis_tui.core.models import Problem
from redis_tui.core.nodes import Node
from redis_tui.core.parse import parse_info
from redis_tui.core.target import Target
from redis_tui.ui.insight.base import InsightScreen, Reading, missing
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.table import Table
from redis_tui.ui.widgets.text import set_text

KEY_WIDTH = 60
US_PER_KEY = 2.0  # server time per key of the LFU scan, for the estimate on the screen (measured: 1-3 µs)


@dataclass(frozen=True)
class NodeInfo:
    """What the screen reads while open: the eviction policy and the number of keys."""

    policy: str
    keys: int


class HotKeysScreen(InsightScreen[NodeInfo]):
    """Find the hot keys on `s`; the cost of each method is stated before it starts."""

    NAME = "hotkeys"
    TITLE = "Hot keys"
    EVERY = 10.0
    COST = "INFO memory + DBSIZE every 10 s while open; s finds the hot keys"
    FAN_OUT = True

    DEFAULT_CSS = """
    HotKeysScreen #hotkeys-body { height: 1fr; border: round $primary 60%; padding: 0 1; }
    HotKeysScreen #hotkeys-intro { color: $text-muted; }
    HotKeysScreen #hotkeys-state { margin: 1 0 0 0; }
    """

    BINDINGS = [
        Binding("s", "start_stop", "Start/stop", tooltip="find the hot keys: an LFU scan or a MONITOR sample, its cost "
                "shown first (s again: stop early, keeping what was found)"),
        Binding("escape", "back", "Stop / back", tooltip="stop a run (what it found stays), or back"),
    ]

    def __init__(self, connections: Connections | None = None, seconds: float = SECONDS) -> None:
        super().__init__(connections)
        self.seconds = seconds
        self.state = "idle"  # idle | running | done | failed
        self.result: HotKeys | None = None
        self.method: str | None = None  # of the run under way or the last one
        self._scans: list[LfuScan] = []
        self._sample: Sample | None = None
        self._progress = ""
        self._shown = 0.0

    def compose_body(self) -> ComposeResult:
        with Vertical(id="hotkeys-body"):
            yield Static(id="hotkeys-intro")
            yield Static(id="hotkeys-state")
            yield Table(id="hotkeys-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#hotkeys-body").border_title = "Hot keys"
        self._columns(LFU)
        self.show_intro()

    # --- what the screen reads while open ---------------------------------------------------
    async def read(self, client: Commands) -> NodeInfo:
        info = parse_info(await client.execute_command("INFO", "memory"))
        policy = next((f["maxmemory_policy"] for f in info.values() if "maxmemory_policy" in f), "")
        return NodeInfo(policy.strip(), int(await client.execute_command("DBSIZE")))

    def targets(self) -> list[str]:
        """One server: itself; a cluster: every primary (replicas hold the same keys)."""
        nodes = self.nodes()
        cluster = host(self).cluster
        if not nodes or cluster is None:
            return [""]
        primaries = {node.addr for node in cluster.round.topology.primaries}
        return [addr for addr in nodes if addr in primaries] or nodes

    def show(self, readings: Mapping[str, Reading[NodeInfo]]) -> None:
        self.show_intro()

    def planned(self) -> str | None:
        """The method `s` will use: LFU when every node read keeps LFU counters, else MONITOR (None: not known)."""
        infos = [r.value for r in self.readings.values() if r.value is not None]
        if not infos:
            return None
        return LFU if all(is_lfu(info.policy) for info in infos) else "monitor"

    def show_intro(self) -> None:
        """Which method `s` uses and what it costs the server, before anything starts."""
        out = Text()
        infos = {addr: r.value for addr, r in self.readings.items() if r.value is not None}
        keys = sum(info.keys for info in infos.values())
        where = f", on {len(infos)} primaries at once" if len(infos) > 1 else ""
        method = self.planned()
        if method == LFU:
            policy = next(iter(infos.values())).policy
            estimate = human_duration(max(0.1, keys * US_PER_KEY / 1e6))
            out.append(f"maxmemory-policy {safe_text(policy, 40)}: the server counts accesses per key (LFU). ",
                       style="bold")
            out.append(f"s reads OBJECT FREQ of every key ({thousands(keys)}{where}): SCAN COUNT {BATCH} and one "
                       f"read-only script call per batch, about {US_PER_KEY:g} µs of server time per key (~{estimate} "
                       "in all); other clients wait up to a few ms per batch. Top "
                       f"{TOP}, like redis-cli --hotkeys.")
        elif method is not None:
            policies = sorted({safe_text(info.policy, 40) or "unknown" for info in infos.values()})
            out.append(f"maxmemory-policy {', '.join(policies)}: no access counters (OBJECT FREQ needs an LFU "
                       "policy). ", style="bold")
            out.append(f"s samples MONITOR for {self.seconds:g} s{where + ',' if where else ''} and counts the first "
                       "key of each "
                       "command. Cost: the server copies every command to this client while it runs (a busy "
                       "server can lose up to half its throughput), stopped at once if its output buffer grows. "
                       "For counters instead: CONFIG SET maxmemory-policy allkeys-lfu.")
        else:
            out.append("Reading the eviction policy…" if self.connections is not None and not self.readings
                       else "s finds the hot keys (needs a live connection).", style="dim")
        for reading in self.readings.values():
            line = missing(reading, "INFO")
            if line is not None:
                out.append("\n")
                out.append_text(line)
        intro = self.query_one("#hotkeys-intro", Static)
        if intro.content != out:
            intro.update(out)  # with a relayout: its height follows the text

    # --- the run ------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "start_stop":
            return self.connections is not None
        return super().check_action(action, parameters)

    def action_start_stop(self) -> None:
        """Start a scan (or sample), or stop the one running."""
        if self.state == "running":
            self.stop()
        elif self.connections is not None and self.planned() is not None:
            self.start()

    def on_screen_suspend(self) -> None:
        """Hidden (another screen on top): a run stops, keeping what it found — nothing runs unseen
        (Textual calls the base's handler too: it stops the periodic reads)."""
        self.stop()

    def action_back(self) -> None:
        """Stop a run (keeping what it found), or go back."""
        if self.state == "running":
            self.stop()
        else:
            self.dismiss()

    def start(self) -> None:
        """Begin a run with the planned method."""
        self.state, self.method, self._progress = "running", self.planned(), "starting…"
        self._show_state()
        self._run()

    def stop(self) -> None:
        """End the run early; what it found is shown."""
        for scan in self._scans:
            scan.stop()
        if self._sample is not None:
            self._sample.stop()

    @work(exclusive=True, group="hotkeys")
    async def _run(self) -> None:
        addrs = self.targets()
        try:
            if self.method == LFU:
                result = await self._scan(addrs)
            else:
                result = await self._monitor(addrs)
        except _Refused as refused:
            if self.alive():
                self.state = "failed"
                self._show_state(refused.line)
            return
        finally:
            self._scans, self._sample = [], None
        if self.alive():
            self.state = "done"
            self.show_result(result)

    async def _scan(self, addrs: list[str]) -> HotKeys:
        self._scans = [LfuScan(cast(Client, self.client(addr)), node=addr) for addr in addrs]  # a real client

        async def one(scan: LfuScan) -> HotKeys:
            try:
                return await scan.run(lambda _progress: self._scan_progress())
            except Exception as exc:  # noqa: BLE001 - worded on the screen
                raise _Refused(self._problem_line(exc, scan.node, "OBJECT FREQ")) from None

        return merge(await asyncio.gather(*(one(scan) for scan in self._scans)))

    def _scan_progress(self) -> None:
        now = time.monotonic()
        if now - self._shown < 0.2 or not self.alive():
            return
        self._shown = now
        keys = sum(scan.progress.keys for scan in self._scans)
        dbsize = sum(scan.progress.dbsize for scan in self._scans)
        fraction = sum(scan.progress.fraction for scan in self._scans) / max(1, len(self._scans))
        self._progress = f"scanning: {thousands(keys)} of ~{thousands(dbsize)} keys · {percent(fraction, 0)} (s: stop)"
        self._show_state()

    async def _monitor(self, addrs: list[str]) -> HotKeys:
        connections = self.connections
        assert connections is not None
        targets: list[tuple[str, Target]] = []
        for addr in addrs:
            where = connections.target if not addr else node_target(connections.target, Node(addr=addr))
            if where is not None:
                targets.append((addr, where))
        self._sample = sample = Sample(targets, self.seconds)
        timer = self.set_interval(0.5, lambda: self._sample_progress(sample))
        try:
            return await sample.run()
        except SampleFailed as failed:
            raise _Refused(self._line(failed.problem, next(iter(sample.problems), ""), "MONITOR")) from None
        finally:
            timer.stop()

    def _sample_progress(self, sample: Sample) -> None:
        if not self.alive():
            return
        self._progress = (f"MONITOR sample: {sample.elapsed:.0f} of {self.seconds:g} s · "
                          f"{thousands(sample.seen)} commands (s: stop)")
        self._show_state()
        self._fill([HotKey(key, hits, "", node) for key, hits, node in sample.current()], "monitor", sample.seen)

    def _problem_line(self, exc: Exception, addr: str, command: str) -> Text:
        connections = self.connections
        assert connections is not None
        return self._line(classify(exc, connections.target, connected=True), addr, command)

    def _line(self, problem: Problem, addr: str, command: str) -> Text:
        return missing(Reading(addr, problem=problem), command) or Text(problem.summary)

    # --- showing ------------------------------------------------------------------------------
    def show_result(self, result: HotKeys) -> None:
        """Show a finished (or stopped) run's list."""
        self.result, self.method = result, result.method
        self._fill(list(result.keys), result.method, result.sampled)
        self._show_state()

    def _show_state(self, problem: Text | None = None) -> None:
        out = Text(no_wrap=True, overflow="ellipsis")
        result = self.result
        if problem is not None:
            out.append_text(problem)
        elif self.state == "running":
            out.append(self._progress, style="bold")
        elif result is not None:
            if result.method == LFU:
                out.append(f"{thousands(result.sampled)} keys scanned in {result.seconds:.1f} s", style="bold")
            else:
                out.append(f"{thousands(result.sampled)} commands in a {result.seconds:.0f} s MONITOR sample",
                           style="bold")
            if result.nodes:
                out.append(f" · {len(result.nodes)} primaries, lists merged", style="dim")
            if not result.complete:
                out.append(" · stopped early: the list covers what was read", style="yellow")
            if self.connections is not None:
                out.append(" · s: again", style="dim")
        set_text(self.query_one("#hotkeys-state", Static), out)

    def _columns(self, method: str) -> None:
        table = self.query_one("#hotkeys-table", Table)
        table.clear(columns=True)
        table.add_column("#", key="rank")
        table.add_column("key", key="key")
        table.add_column("freq" if method == LFU else "hits", key="count")
        if method != LFU:
            table.add_column("share", key="share")
        table.add_column("type", key="type")
        if self.nodes():
            table.add_column("node", key="node")

    def _fill(self, keys: list[HotKey], method: str, seen: int) -> None:
        self._columns(method)
        table = self.query_one("#hotkeys-table", Table)
        for rank, hot in enumerate(keys, 1):
            row: list[Text | str] = [str(rank), Text(safe_text(hot.key, KEY_WIDTH)), Text(thousands(hot.count),
                                                                                      justify="right")]
            if method != LFU:
                row.append(Text(percent(hot.count / seen if seen else 0.0), justify="right"))
            row.append(Text(safe_text(hot.type, 12)))
            if self.nodes():
                row.append(Text(safe_text(hot.node, 40)))
            table.add_row(*row, key=f"{rank}")


class _Refused(Exception):
    """A run that could not be done, worded for the screen."""

    def __init__(self, line: Text) -> None:
        super().__init__(line.plain)
        self.line = line
