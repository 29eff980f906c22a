"""The real-terminal sweep: `redis-tui` in a pty, every binding of every screen pressed.

The app runs as a user runs it (the CLI, a pty of 120×40, TERM=xterm-256color) against a
real server holding every key type and hostile names, with hostile traffic for MONITOR.
Each screen is opened and each of its keys pressed (read from the screen classes, so a
new binding is swept without editing this file); after each key the frames paint and the
sweep checks that the process is alive, that no traceback or exception name is on screen,
and that no escape sequence from server data reached the terminal. With --write the
destructive dialogs are also confirmed on throwaway keys and their toasts must show.
MONITOR's stream must follow the traffic. At the end `q` exits 0 and restores the terminal.

A crash does not end the sweep: it is recorded (screen, key, what was on screen), the app
is started again and the sweep goes on, so one run lists every failure.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from redis_tui.demo.server import available_kinds, free_port
from tests.terminal.pty_app import key_bytes
from tests.terminal.sweep import FleetSweep, Sweep
from tests.terminal.sweep_data import Traffic, fill
from tests.terminal.sweep_places import FLEET, PLACES, app_keys, screen_keys, widget_keys

pytestmark = pytest.mark.integration
KINDS = available_kinds()


def test_every_key_has_a_terminal_sequence():
    """A new binding the sweep could not type fails here, not silently."""
    for place in [*PLACES, FLEET]:
        for key in screen_keys(place) + widget_keys(place) + app_keys(place):
            assert key_bytes(key)



# Sessions run side by side (the app waits for the terminal most of the time, so two cores
# carry three): each is one app on its own server. Every read-only session sweeps the
# dashboard first (that is where it learns which app keys open a screen).
SESSIONS = [
    ("read-only", False, ("dashboard", "troubleshoot", "analyze", "help", "palette")),
    ("read-only", False, ("dashboard", "keys", "monitor")),
    ("read-only", False, ("dashboard", "topology", "replication", "latency", "commands", "memory", "pubsub",
                          "hotkeys", "events")),
    # the screens with --write actions (their dialogs are confirmed on throwaway data)
    ("--write", True, ("dashboard", "keys", "slowlog", "persistence", "config")),
]


def test_every_place_is_swept():
    """A new screen must be given to a session (else its keys would never be pressed)."""
    swept = {name for _mode, _write, places in SESSIONS for name in places}
    assert {place.name for place in PLACES} <= swept


def run_session(server, mode: str, write: bool, places: tuple[str, ...]) -> tuple[list[str], str]:
    """One app through `places`; its failures, and a line saying what it did."""
    r = redis.Redis(port=server.port)
    key_count = fill(r)
    traffic = Traffic(server.port)
    traffic.start()
    sweep = Sweep(server.url, write, key_count, traffic, mode)
    began = time.monotonic()
    try:
        sweep.start()
        if "monitor" in places:
            sweep.start_monitor()
        for place in PLACES:
            if place.name in places:
                sweep.sweep(place)
        if write:
            sweep.write_actions(r)
        sweep.quit()
    except AssertionError as exc:  # the sweep could not go on (too many crashes, a screen out of reach)
        sweep.failures.append(f"[{mode}] sweep stopped: {exc}")
    finally:
        sweep.close()
        traffic.stop()
        r.close()
    took = time.monotonic() - began
    return sweep.failures, (f"{mode} on {server.kind} {', '.join(places)}: {sweep.pressed} keys in {took:.0f} s, "
                            f"{sweep.restarts} restarts")


def run_fleet_session(server) -> tuple[list[str], str]:
    """The fleet overview: this server and a port nobody listens on."""
    r = redis.Redis(port=server.port)
    fill(r)
    traffic = Traffic(server.port)
    traffic.start()
    sweep = FleetSweep(server.url, f"redis://127.0.0.1:{free_port()}/0", traffic)
    began = time.monotonic()
    try:
        sweep.start()
        sweep.sweep_fleet()
        sweep.quit()
    except AssertionError as exc:
        sweep.failures.append(f"[fleet] sweep stopped: {exc}")
    finally:
        sweep.close()
        traffic.stop()
        r.close()
    return sweep.failures, f"fleet: {sweep.pressed} keys in {time.monotonic() - began:.0f} s, {sweep.restarts} restarts"


def test_every_binding_of_every_screen(mixed_server_factory):
    # one run covers every server kind: the sessions take turns (a UI sweep twice over costs a minute)
    servers = [mixed_server_factory(kind=KINDS[i % len(KINDS)]) for i in range(len(SESSIONS))]
    with ThreadPoolExecutor(len(SESSIONS) + 1) as pool:
        fleet = pool.submit(run_fleet_session, mixed_server_factory(kind=KINDS[len(SESSIONS) % len(KINDS)]))
        results = list(pool.map(lambda args: run_session(*args),
                                [(server, *session) for server, session in zip(servers, SESSIONS, strict=True)]))
        results.append(fleet.result())
    failures = [failure for found, _ in results for failure in found]
    print("\n".join(summary for _, summary in results))
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
