"""Help, footer and --help come from the bindings: none can miss a key a screen has."""

from __future__ import annotations

import pytest
from textual.keys import format_key
from textual.widgets import Static

from redis_tui.cli import build_tui_parser
from redis_tui.ui.analyze.screen import AnalyzeScreen
from redis_tui.ui.app import RedisTuiApp
from redis_tui.ui.fleet.screen import FleetScreen
from redis_tui.ui.help import HelpScreen
from redis_tui.ui.keys.screen import KeysScreen
from redis_tui.ui.monitor.screen import MonitorScreen
from redis_tui.ui.replay.actions import REPLAY_BINDINGS, ReplayKeys
from redis_tui.ui.troubleshoot.screen import TroubleshootScreen
from tests.ui.helpers import make_app, plain, settle, wait_until
from tests.ui.keys_data import screen_text
from tests.ui.sample import healthy

# Listed here, not taken from help.py: a screen help forgot must fail this test.
SCREENS = (("Dashboard", RedisTuiApp), ("Troubleshooting panel", TroubleshootScreen), ("MONITOR", MonitorScreen),
           ("Keys", KeysScreen), ("Analyze", AnalyzeScreen), ("Fleet overview (several servers)", FleetScreen),
           ("Replay (--replay FILE)", ReplayKeys))
ALIASES = {"escape": "esc"}


def first_key(binding) -> str:
    key = binding.key.split(",")[0]
    return binding.key_display or ALIASES.get(key, format_key(key))


def help_rows(app) -> dict[str, list[str]]:
    """Each section of the help screen: its title → its lines."""
    rows: dict[str, list[str]] = {}
    title = None
    for static in app.screen.query(Static):
        text = plain(static.content)
        if text.strip().endswith("— keys"):
            title = text.strip().removesuffix(" — keys")
            rows[title] = []
        elif title is not None:
            rows[title].extend(line for line in text.splitlines() if line.strip())
    return rows


async def test_help_lists_every_binding_of_every_screen():
    app = make_app(healthy())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = help_rows(app)
        for title, owner in SCREENS:
            assert title in rows, f"help has no section for {title}"
            for binding in owner.BINDINGS:
                if owner is RedisTuiApp and binding in REPLAY_BINDINGS:
                    continue  # the app's, in a section of their own (they work in a replay only)
                wanted = (first_key(binding), binding.description)
                assert any(line.strip().startswith(wanted[0]) and wanted[1] in line for line in rows[title]), \
                    f"{title}: help lacks {wanted}"
        monitor = "\n".join(rows["MONITOR"])
        for key in ("space", "x", "f", "F", "w"):  # the keys a user missed
            assert any(line.strip().split()[0] == key for line in rows["MONITOR"]), monitor
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen) and app._exception is None


def test_cli_help_lists_every_key_of_every_screen():
    text = " ".join(build_tui_parser().format_help().split())
    for title, owner in SCREENS:
        assert f"{title}:" in text
        for binding in owner.BINDINGS:
            assert f"{first_key(binding)}" in text and binding.description in text, binding


def footer_line(app) -> str:
    return screen_text(app).splitlines()[-1]


@pytest.mark.parametrize("width, wanted", [
    (120, ("? Help", "t Troubleshoot", "c Checklist", "m MONITOR", "k Keys", "a Analyze", "q Quit", "p Pause",
           "r Refresh", "+ Slower", "- Faster", "^p palette")),
    (80, ("? Help", "t Troubleshoot", "c Checklist", "m MONITOR", "k Keys", "a Analyze", "^p palette")),
])
async def test_footer_shows_the_most_important_keys_uncut(width, wanted):
    app = make_app(healthy())
    async with app.run_test(size=(width, 40 if width == 120 else 24)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: "palette" in footer_line(app))
        line = footer_line(app)
        for label in wanted:
            assert label in line, line
        assert_whole_keys(app, line)


async def test_footer_drops_whole_keys_when_the_terminal_narrows():
    app = make_app(healthy())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await wait_until(pilot, lambda: "end Follow" in footer_line(app))
        await pilot.resize_terminal(80, 24)
        labels = ("s Start/stop", "space Pause view", "x Clear", "f Filter", "^p palette")
        # the footer recomposes after the resize: wait for the narrow one, whole
        await wait_until(pilot, lambda: "Troubleshoot" not in footer_line(app)
                         and all(label in footer_line(app) for label in labels))
        await pilot.pause()
        line = footer_line(app)
        for label in labels:
            assert label in line, line
        assert_whole_keys(app, line)


def assert_whole_keys(app, line: str) -> None:
    """Every key drawn in the footer is drawn with its whole description."""
    for key in app.screen.query("FooterKey"):
        assert f"{key.key_display} {key.description}" in line, (key.key_display, key.description, line)


async def test_palette_lists_redis_tui_actions_first_and_drops_textual_noise():
    from textual.command import CommandList, CommandPalette

    app = make_app(healthy())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette)
                         and app.screen.query_one(CommandList).option_count >= 10)
        await pilot.pause(0.3)  # every provider has answered
        options = app.screen.query_one(CommandList)
        titles = [plain(options.get_option_at_index(i).prompt).splitlines()[0]
                  for i in range(options.option_count)]
        ours = [i for i, title in enumerate(titles) if title.split(":")[0] in
                ("Dashboard", "Troubleshoot", "MONITOR", "Keys", "Analyze", "Help") or title == "Quit redis-tui"]
        theirs = [i for i, title in enumerate(titles) if title in ("Theme", "Screenshot")]
        assert titles[0] == "Dashboard: pause / resume polling", titles
        assert len(ours) >= 12 and theirs and max(ours) < min(theirs), titles
        assert not {"Keys", "Maximize", "Minimize"} & set(titles), titles
        await pilot.press("escape")
        assert app._exception is None
