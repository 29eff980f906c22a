"""Every insight screen, once: its key, title, a sentence for help and the palette, the findings that
point to it, and how to make it. The app builds its bindings, palette commands and the `i` menu from
this list, and the troubleshooting panel opens a finding's screen from it; a new screen is one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen


@dataclass(frozen=True)
class Insight:
    """One insight screen."""

    name: str  # the screen's install name and its action's argument: "latency"
    key: str  # the app's key for it: "L"
    title: str  # "Latency"
    description: str  # one sentence: help, the palette, the `i` menu
    make: Callable[[], Screen]  # builds the screen (imports lazily: the app imports this module)
    findings: frozenset[str] = frozenset()  # finding ids whose details are on this screen


def _hotkeys() -> Screen:
    from redis_tui.ui.insight.hotkeys import HotKeysScreen

    return HotKeysScreen()


INSIGHTS: tuple[Insight, ...] = (
    Insight("hotkeys", "H", "Hot keys", "the keys used most: OBJECT FREQ with an LFU policy, else a MONITOR sample",
            _hotkeys),
)
"""Every insight screen, in the order of the `i` menu."""


def insight(name: str) -> Insight | None:
    """The entry called `name`, None when there is none."""
    return next((entry for entry in INSIGHTS if entry.name == name), None)


def for_finding(finding_id: str) -> Insight | None:
    """The screen that details a finding with this id, None when none does."""
    return next((entry for entry in INSIGHTS if finding_id in entry.findings), None)
