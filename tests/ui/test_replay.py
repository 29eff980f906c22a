"""`redis-tui --replay FILE`: the dashboard on a recording, moved through recorded time by keys.

What a user sees: REPLAY and the recorded time in the status line, the timeline under the panes, the
findings of the moment shown (not of the moment left), the screens that need a server refused with a
toast, and the go-to-time dialog's answer to a bad time."""

from __future__ import annotations

import pytest

from redis_tui.core.record.recording import Recording
from redis_tui.ui.replay.timeline import clock_time
from redis_tui.ui.run import make_replay_app
from tests.ui.helpers import text_of, wait_until
from tests.ui.keys_data import screen_text
from tests.ui.replay_sample import PEAK, SECONDS, START, write_sample

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return write_sample(tmp_path_factory.mktemp("replay") / "sample.rec")


def ids(app) -> set[str]:
    return {f.id for f in app.findings}


async def test_replay_moves_through_the_incident(sample):
    with Recording.open(sample) as recording:
        app = make_replay_app(recording)
        player = app.replay
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.snapshot is not None)
            status = text_of(app, "StatusBar")
            assert f"REPLAY {clock_time(START)}" in status and "READ-ONLY" not in status
            assert "REPLAY" in text_of(app, "#timeline")
            assert "memory-pressure" not in ids(app)

            await pilot.press("right_parenthesis")  # the next critical finding
            await wait_until(pilot, lambda: player.position == START + PEAK[0])
            await wait_until(pilot, lambda: "memory-pressure" in ids(app))
            assert f"REPLAY {clock_time(START + PEAK[0])}" in text_of(app, "StatusBar")
            assert app.snapshot.taken_at == START + PEAK[0]
            # the recorded events up to that moment: the dashboard's line, the events screen
            await wait_until(pilot, lambda: "memory-pressure opened" in text_of(app, "#event-line"))
            await pilot.press("e")
            await wait_until(pilot, lambda: type(app.screen).__name__ == "EventsScreen")
            await pilot.pause()
            listed = screen_text(app)
            assert "maxmemory 512mb → 1gb" in listed and "memory-pressure opened" in listed
            assert "memory-pressure cleared" not in listed  # that happened later
            await pilot.press("escape")
            await wait_until(pilot, lambda: type(app.screen).__name__ == "DashboardScreen")

            await pilot.press("right_square_bracket", "right_square_bracket")  # two minutes on: it cleared
            await wait_until(pilot, lambda: player.position == START + PEAK[0] + 120)
            await wait_until(pilot, lambda: "memory-pressure" not in ids(app))

            await pilot.press("left_curly_bracket")  # an hour back: the start (clamped)
            await wait_until(pilot, lambda: player.position == START)
            await pilot.press("full_stop", "full_stop")
            await wait_until(pilot, lambda: app.snapshot.taken_at == START + 2)

            await pilot.press("k")  # the keys browser needs a server
            await pilot.pause()
            assert type(app.screen).__name__ == "DashboardScreen"
            assert any("needs a live server" in str(n.message) for n in app._notifications)

            await pilot.press("j")
            await wait_until(pilot, lambda: type(app.screen).__name__ == "GotoDialog")
            await pilot.press(*"yesterday", "enter")
            await wait_until(pilot, lambda: "is not a time" in text_of(app, ".dialog-error"))
            await pilot.press(*["backspace"] * 9, "minus", "5", "m", "enter")
            await wait_until(pilot, lambda: player.position == START + SECONDS - 1 - 300)

            await pilot.press("f", "f")  # 10×
            assert player.speed == 10
            await pilot.press("space")
            await wait_until(pilot, lambda: player.position > START + SECONDS - 1 - 290)
            assert "▶ 10×" in text_of(app, "StatusBar")
            await pilot.press("space")
            await wait_until(pilot, lambda: player.paused)
            assert app.is_running and app._exception is None


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_replay_snapshot_at_the_incident(snap_compare, sample, size):
    async def at_incident(pilot):
        await wait_until(pilot, lambda: pilot.app.snapshot is not None)
        pilot.app.replay.to_event(True, True)  # as ")" does, without its toast over the timeline
        await wait_until(pilot, lambda: "memory-pressure" in ids(pilot.app))
        await pilot.pause()

    with Recording.open(sample) as recording:
        assert snap_compare(make_replay_app(recording), terminal_size=size, run_before=at_incident)


def test_a_bad_recording_is_one_line_and_exit_2(tmp_path, capsys):
    from redis_tui import cli

    assert cli.main(["--replay", str(tmp_path / "missing.rec")]) == 2
    not_a_recording = tmp_path / "notes.txt"
    not_a_recording.write_text("hello")
    assert cli.main(["--replay", str(not_a_recording)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "no such recording" in err[0] and "not a redis-tui recording" in err[1]
