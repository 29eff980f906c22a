"""The app's replay keys (``redis-tui --replay FILE``): play and pause, step, jump, go to a time, the next
or previous event or critical finding, speed, the next node. A mixin of `RedisTuiApp`; the keys exist only
in a replay, and the screens that need a live server say they are unavailable there.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.binding import Binding

from redis_tui.core.display import safe_text
from redis_tui.core.events import Event, EventLog
from redis_tui.core.record.player import Player
from redis_tui.ui.replay.goto import GotoDialog

if TYPE_CHECKING:
    from textual.app import App

    _AppBase = App[None]
else:
    _AppBase = object

REPLAY_ACTIONS = frozenset({"replay_play", "replay_step", "replay_jump", "replay_goto", "replay_event",
                            "replay_speed", "replay_node"})
LIVE_ONLY = {"keys": "the keys browser", "monitor": "MONITOR", "analyze": "analyze"}
EVENTS_KEPT = 2000  # the newest recorded events the events screen lists (as many as it keeps live)
NOT_IN_REPLAY = frozenset({"slower", "faster", "refresh", "password"})  # polling controls: nothing is polled

REPLAY_BINDINGS = [
    Binding("space", "replay_play", "Play/pause", tooltip="replay: play the recording (at the speed shown) or stop"),
    Binding("full_stop", "replay_step(1)", "Step", key_display=".", tooltip="replay: the next snapshot"),
    Binding("comma", "replay_step(-1)", "Step back", key_display=",", show=False,
            tooltip="replay: the previous snapshot"),
    Binding("right_square_bracket", "replay_jump(60)", "+1 min", key_display="]", show=False,
            tooltip="replay: one minute later"),
    Binding("left_square_bracket", "replay_jump(-60)", "-1 min", key_display="[", show=False,
            tooltip="replay: one minute earlier"),
    Binding("right_curly_bracket", "replay_jump(3600)", "+1 h", key_display="}", show=False,
            tooltip="replay: one hour later"),
    Binding("left_curly_bracket", "replay_jump(-3600)", "-1 h", key_display="{", show=False,
            tooltip="replay: one hour earlier"),
    Binding("greater_than_sign", "replay_event(1, 0)", "Next event", key_display=">",
            tooltip="replay: the next event (a finding, a restart, a config change…)"),
    Binding("less_than_sign", "replay_event(0, 0)", "Previous event", key_display="<", show=False,
            tooltip="replay: the previous event"),
    Binding("right_parenthesis", "replay_event(1, 1)", "Next critical", key_display=")", show=False,
            tooltip="replay: the next critical finding"),
    Binding("left_parenthesis", "replay_event(0, 1)", "Previous critical", key_display="(", show=False,
            tooltip="replay: the previous critical finding"),
    Binding("j", "replay_goto", "Go to time", tooltip="replay: go to a time (14:02, 2026-11-25T14:02, -2h)"),
    Binding("f", "replay_speed", "Speed", tooltip="replay: play at 1×, 5×, 10×, 30×, 60×"),
]


class ReplayKeys:
    """The replay keys as help's own section (the app declares them; they work in a replay only)."""

    BINDINGS = REPLAY_BINDINGS


class ReplayActions(_AppBase):
    """Mixed into the app: the keys that move through a recording."""

    if TYPE_CHECKING:
        replay: Player | None
        events: EventLog
        event_count: int
        latest_event: Event | None

    def keep_events(self, *args: Any, **kwargs: Any) -> None:
        """Live: what the updates change becomes events (the app's `EventKeeper`). In a replay the events are
        the recorded ones (`replay_events`), not what stepping back and forth through the updates would say."""
        if self.replay is None:
            super().keep_events(*args, **kwargs)  # type: ignore[misc]

    def replay_events(self) -> None:
        """The recorded events up to the moment replayed: the events screen's list and the dashboard's line."""
        if self.replay is None:
            return
        recorded = self.replay.recording.events(self.replay.start, self.replay.position)
        log = EventLog(EVENTS_KEPT)
        log.extend(recorded[-EVENTS_KEPT:])
        log.total = len(recorded)
        self.events = log
        self.latest_event = recorded[-1] if recorded else None
        self.event_count = log.total

    def check_replay_action(self, action: str) -> bool | None:
        """Whether a replay key works now (only in a replay; the polling controls not in one); None: not ours."""
        if action in NOT_IN_REPLAY and self.replay is not None:
            return False
        if action == "next_node" and self.replay is not None:  # n: the cluster's key, the recorded nodes here
            return len(self.replay.nodes) > 1
        if action not in REPLAY_ACTIONS:
            return None
        if self.replay is None:
            return False
        return action != "replay_node" or len(self.replay.nodes) > 1

    def live_only(self, action: str) -> bool:
        """In a replay, a screen that needs a live server says so (True: it was refused)."""
        if self.replay is None or action not in LIVE_ONLY:
            return False
        self.notify(f"Not in a replay: {LIVE_ONLY[action]} needs a live server.", severity="warning", timeout=4)
        return True

    def action_replay_play(self) -> None:
        """Play or stop."""
        if self.replay is not None:
            self.replay.set_paused(not self.replay.paused)

    def action_replay_step(self, count: int) -> None:
        """The next (or previous) snapshot."""
        if self.replay is not None:
            self.replay.step(count)

    def action_replay_jump(self, seconds: float) -> None:
        """Later (or earlier) by `seconds`."""
        if self.replay is not None:
            self.replay.jump(seconds)

    def action_replay_goto(self) -> None:
        """Ask for a time and go there."""
        if self.replay is not None and not isinstance(self.screen, GotoDialog):
            player = self.replay
            self.push_screen(GotoDialog(player.end), lambda t: player.go(t, warm=True) if t is not None else None)

    def action_replay_event(self, forward: int, critical: int) -> None:
        """The next / previous event (or critical finding)."""
        if self.replay is None:
            return
        event = self.replay.to_event(bool(forward), bool(critical))
        what = "critical finding" if critical else "event"
        if event is None:
            self.notify(f"No {what} {'after' if forward else 'before'} this point.", timeout=3)
        else:
            when = time.strftime("%H:%M:%S", time.localtime(event.at))
            self.notify(f"{when} {event.kind}: {safe_text(event.summary, 100)}", timeout=4, markup=False)

    def action_replay_speed(self) -> None:
        """Play faster (after 60×: 1× again)."""
        if self.replay is not None:
            self.notify(f"Replay speed {self.replay.faster():g}×", timeout=2)

    def action_next_node(self) -> None:
        """n: in a replay of several nodes, the next recorded node; live, the cluster's next node."""
        if self.replay is not None:
            self.action_replay_node()
        else:
            super().action_next_node()  # type: ignore[misc]

    def action_replay_node(self) -> None:
        """Show the next recorded node."""
        if self.replay is not None:
            self.notify(f"Replay: node {safe_text(self.replay.next_node(), 60)}", timeout=3, markup=False)

    def replay_commands(self) -> Iterator[SystemCommand]:
        """The replay keys in the command palette."""
        if self.replay is None:
            return
        yield SystemCommand("Replay: play / pause", "Play the recording or stop (space)", self.action_replay_play)
        yield SystemCommand("Replay: go to a time", "14:02, 2026-11-25T14:02, -2h (j)", self.action_replay_goto)
        yield SystemCommand("Replay: next event", "Jump to the next event (>)", lambda: self.action_replay_event(1, 0))
        yield SystemCommand("Replay: previous event", "Jump to the previous event (<)",
                            lambda: self.action_replay_event(0, 0))
        yield SystemCommand("Replay: next critical finding", "Jump to it ())", lambda: self.action_replay_event(1, 1))
        yield SystemCommand("Replay: speed", "1×, 5×, 10×, 30×, 60× (f)", self.action_replay_speed)
