"""Partial updates (ui/partial_updates.py) write fewer bytes and leave the terminal showing the same."""

from __future__ import annotations

from dataclasses import replace

import pyte
from textual._compositor import ChopsUpdate, LayoutUpdate

from redis_tui.ui import partial_updates
from redis_tui.ui.app import RedisTuiApp
from tests.ui.helpers import make_app, settle
from tests.ui.sample import MB, NOW, healthy


def terminal(columns: int = 120, lines: int = 40) -> tuple[pyte.Screen, pyte.ByteStream]:
    screen = pyte.Screen(columns, lines)
    return screen, pyte.ByteStream(screen)


def cells(screen: pyte.Screen) -> list[list[tuple]]:
    """Every cell: its character, colours and attributes."""
    return [[(c.data, c.fg, c.bg, c.bold, c.reverse, c.italics, c.underscore)
             for c in (screen.buffer[y][x] for x in range(screen.columns))] for y in range(screen.lines)]


def later(snapshot, step: int):
    """The next poll: a few figures move (memory, ops, one command's µs/call, the keys), graphs gain a sample."""
    history = snapshot.history
    commands = (replace(snapshot.rates.commands[0], usec_per_call=1.9 + step / 10), *snapshot.rates.commands[1:])
    return replace(
        snapshot, taken_at=NOW + step,
        # (memory stays under the memory-pressure threshold: a finding would add its event line and a toast)
        memory=replace(snapshot.memory, used=snapshot.memory.used + step * MB),
        rates=replace(snapshot.rates, ops=2401.0 + 37 * step, commands=commands),
        keyspace=(replace(snapshot.keyspace[0], keys=182_340 + step), *snapshot.keyspace[1:]),
        history=replace(history, ops=history.ops[1:] + (2300.0 + 250 * (step % 3),),
                        used_memory=history.used_memory[1:] + (400 * MB + step * MB,)),
    )


async def test_partial_updates_write_less_and_the_terminal_shows_the_same(monkeypatch):
    frames: list = []
    display = RedisTuiApp._display

    def capture(self, screen, renderable):
        frames.append(renderable)
        return display(self, screen, renderable)

    first = healthy()
    app = make_app(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        console = app.console
        start = app.screen._compositor.render_full_update().render_segments(console)
        monkeypatch.setattr(RedisTuiApp, "_display", capture)
        snapshot = first
        for step in range(1, 8):
            snapshot = later(snapshot, step)
            app.source.push(snapshot)
            await settle(pilot)
        end = app.screen._compositor.render_full_update().render_segments(console)

    textual_screen, textual_stream = terminal()
    ours_screen, ours_stream = terminal()
    expected_screen, expected_stream = terminal()
    for stream in (textual_stream, ours_stream):
        stream.feed(start.encode())
    expected_stream.feed(end.encode())
    textual_bytes = ours_bytes = 0
    partial = [frame for frame in frames if isinstance(frame, ChopsUpdate)]
    assert len(partial) >= 5 and not [frame for frame in frames if isinstance(frame, LayoutUpdate)]
    for frame in partial:
        theirs = partial_updates._original(frame, console).encode()
        ours = partial_updates.render_segments(frame, console).encode()
        textual_stream.feed(theirs)
        ours_stream.feed(ours)
        textual_bytes += len(theirs)
        ours_bytes += len(ours)
    assert cells(textual_screen) == cells(expected_screen)  # the frames bring the screen up to date...
    assert cells(ours_screen) == cells(expected_screen)  # ...cropped on both sides too
    assert ours_bytes < 0.8 * textual_bytes, (ours_bytes, textual_bytes)


def test_a_wide_character_is_never_cut_in_half():
    from rich.segment import Segment
    from textual.strip import Strip

    strip = Strip([Segment("ab"), Segment("界界"), Segment("cd")])  # cells: a b 界界 界界 c d
    assert [partial_updates._char_start(strip, n) for n in range(9)] == [0, 1, 2, 2, 4, 4, 6, 7, 8]


def test_installed_for_the_pinned_textual_only():
    assert ChopsUpdate.render_segments is partial_updates.render_segments  # the app module installed it
