"""The real-terminal sweep: `redis-tui` in a pty, every binding of every screen pressed.

The app runs as a user runs it (the CLI, a pty of 120×40, TERM=xterm-256color) against a
real server holding every key type and hostile names, with hostile traffic for MONITOR.
Each screen is opened and each of its keys pressed (read from the screen classes, so a
new binding is swept without editing this file); after each key the frames paint and the
sweep checks that the process is alive, that no traceback or exception name is on screen,
and that no escape sequence from server data reached the terminal. With --write the
destructive dialogs are also confirmed on throwaway keys and their toasts must show.

A crash does not end the sweep: it is recorded (screen, key, what was on screen), the app
is started again and the sweep goes on, so one run lists every failure.
"""

from __future__ import annotations

import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import redis
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette

from redis_tui.core.display import safe_text
from redis_tui.ui.analyze_screen import AnalyzeScreen
from redis_tui.ui.app import RedisTuiApp
from redis_tui.ui.dashboard import DashboardScreen
from redis_tui.ui.help import HelpScreen
from redis_tui.ui.key_detail import RowList
from redis_tui.ui.keys_screen import KeysScreen
from redis_tui.ui.monitor_screen import MonitorScreen
from redis_tui.ui.troubleshoot import TroubleshootScreen
from tests.terminal.pty_app import ALT_SCREEN_OFF, ALT_SCREEN_ON, PtyApp, key_bytes, redis_tui_argv

pytestmark = pytest.mark.integration

# --- the data -------------------------------------------------------------------------------
CLEAR = b"\x1b[2J[red]"  # clears a terminal that prints it raw; markup for one that parses it
TITLE = b"\x1b]0;pwned\x07"  # sets the window title
BIDI = "evil\u202etxt.exe".encode()
# hostile key names (the keys sweep works on the first one listed: markup that breaks a parser first)
HOSTILE = {b"[/]": "string", CLEAR: "hash", b"[link=https://x]": "list", BIDI: "set", b"bin:\xff\xfe\x80": "zset",
           b"long:" + b"x" * 10240: "stream"}
HOSTILE_NAMES = list(HOSTILE)
MARKUP_NAMES = HOSTILE_NAMES[:3]  # a markup parser raises on these (or eats part of them)
# byte strings from the server that must never reach the terminal as they are
PAYLOADS = [CLEAR, TITLE, "\u202e".encode()]
VALUE = TITLE + CLEAR + b"boom[/] [link=https://x]x[/link] \xff\xfe"
DEL_KEY, TTL_KEY, REN_KEY, TAKEN_KEY = b"tmp:del[/]" + CLEAR, b"tmp:ttl[link=https://x]", b"tmp:ren", b"tmp:taken"
CLIENT_NAME = "[/]traffic[red]"


def fill(r: redis.Redis) -> int:
    """Every type, a big-ish value, binary, hostile names and values; returns the key count."""
    pipe = r.pipeline(transaction=False)
    pipe.set(b"str:plain", b"hello")
    pipe.set(b"str:hostile", VALUE)
    pipe.set(b"str:binary", bytes(range(256)))
    pipe.set(b"str:ttl", b"soon", ex=3600)
    pipe.set(b"big:string", b"0123456789abcdef" * 32768)  # 512 KB
    pipe.hset(b"hash:hostile", mapping={CLEAR: VALUE, b"[/]": b"[link=https://x]", BIDI: b"\xff"})
    pipe.rpush(b"list:hostile", VALUE, CLEAR, b"[/]", *range(2000))
    pipe.sadd(b"set:hostile", VALUE, CLEAR, b"[/]", BIDI)
    pipe.zadd(b"zset:hostile", {VALUE: 1, CLEAR: 2.5, b"[/]": -3})
    pipe.xadd(b"stream:hostile", {CLEAR: VALUE, b"[/]": b"x"})
    pipe.xadd(b"stream:hostile", {b"n": b"2"})
    for name, kind in HOSTILE.items():
        if kind == "string":
            pipe.set(name, VALUE)
        elif kind == "hash":
            pipe.hset(name, CLEAR, VALUE)
        elif kind == "list":
            pipe.rpush(name, VALUE)
        elif kind == "set":
            pipe.sadd(name, VALUE)
        elif kind == "zset":
            pipe.zadd(name, {VALUE: 1})
        else:
            pipe.xadd(name, {CLEAR: VALUE})
    for key in (DEL_KEY, TTL_KEY, REN_KEY, TAKEN_KEY):
        pipe.set(key, b"throwaway " + key)
    pipe.execute()
    return r.dbsize()


class Traffic(threading.Thread):
    """A client with a hostile name sending reads of hostile keys in bursts (for MONITOR)."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.client = redis.Redis(port=port, client_name=CLIENT_NAME)
        self.stopping = threading.Event()
        self.bursts = 0  # each burst ends with ECHO "sweep-N", N counting from 1

    def run(self) -> None:
        while not self.stopping.wait(1.0):
            try:
                pipe = self.client.pipeline(transaction=False)
                for name in HOSTILE_NAMES[:5]:
                    pipe.exists(name)
                pipe.get(b"[/]")
                pipe.hget(b"hash:hostile", CLEAR)
                pipe.echo(VALUE)
                pipe.echo(b"sweep-%d" % (self.bursts + 1))
                pipe.execute(raise_on_error=False)
                self.bursts += 1
            except redis.RedisError:
                pass

    def stop(self) -> None:
        self.stopping.set()
        self.join(5)
        self.client.close()


# --- where the sweep goes -------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    """A screen of the app: the class whose bindings are pressed, and how to get there."""

    name: str
    screen: type
    open: str | None  # key pressed on the dashboard
    app_keys: bool = True  # the app's own bindings work here (not where an input eats letters)


PLACES = [
    Place("dashboard", DashboardScreen, None),
    Place("troubleshoot", TroubleshootScreen, "t"),
    Place("keys", KeysScreen, "k"),
    Place("monitor", MonitorScreen, "m"),
    Place("analyze", AnalyzeScreen, "a"),
    Place("help", HelpScreen, "question_mark"),
    Place("palette", CommandPalette, "ctrl+p", app_keys=False),
]
# what only each place shows, checked in order (overlays first: the screen below stays visible)
MARKERS = [
    ("palette", "Search for commands"),
    ("dialog", "Delete this key?"),
    ("dialog", "Set the TTL of"),
    ("dialog", "RENAMENX: if the new name"),
    ("dialog", "This name is taken"),
    ("dialog", "Filter the stream and the top tables"),
    ("help", "╭─ Help ─"),
    ("glob", "SCAN MATCH glob"),
    ("keys", "─ Namespaces ("),
    ("monitor", "─ Stream "),
    ("analyze", "─ Analyze keyspace"),
    ("troubleshoot", "Findings (f)"),
    ("dashboard", "─ Memory "),
]
QUIT_ACTIONS = {"quit", "app.quit"}
UNTYPABLE = {"super+c"}  # macOS command key: no terminal sends it
CRASH = re.compile(r"Traceback|\b[A-Z]\w*(?:Error|Exception)\b")
MAX_RESTARTS = 8
BUSY_S = 10.0
FILL_BURSTS = 6  # bursts of traffic (10 MONITOR lines each) that overflow the stream view


def _bindings(cls: type, own: bool = False) -> dict[str, str]:
    """key → action of a class's BINDINGS (its own first, then its bases'; only redis-tui's with `own`)."""
    out: dict[str, str] = {}
    for klass in cls.__mro__:
        if own and not klass.__module__.startswith("redis_tui"):
            continue
        for item in klass.__dict__.get("BINDINGS", ()):
            binding = item if isinstance(item, Binding) else Binding(*item)
            for key in binding.key.split(","):
                out.setdefault(key.strip(), binding.action)
    return out


def _widget_classes() -> list[type]:
    """redis-tui's own widgets that bring bindings (pressed on every screen)."""
    return [RowList]


def _typable(keys: dict[str, str]) -> list[str]:
    return [key for key, action in keys.items() if action not in QUIT_ACTIONS and key not in UNTYPABLE]


def screen_keys(place: Place) -> list[str]:
    """The keys of `place`'s screen class, quit keys left out."""
    return _typable(_bindings(place.screen))


def widget_keys(place: Place) -> list[str]:
    """The keys of redis-tui's own widgets (list navigation), those the screen does not bind."""
    if not place.app_keys:
        return []
    keys: dict[str, str] = {}
    for widget in _widget_classes():
        for key, action in _bindings(widget, own=True).items():
            keys.setdefault(key, action)
    taken = _bindings(place.screen)
    return [key for key in _typable(keys) if key not in taken]


def app_keys(place: Place) -> list[str]:
    """The app's keys that reach `place` (those its screen does not bind itself)."""
    if not place.app_keys:
        return []
    keys = _bindings(RedisTuiApp)
    keys.setdefault(App.COMMAND_PALETTE_BINDING, "command_palette")
    taken = _bindings(place.screen)
    return [key for key in _typable(keys) if key not in taken]


def test_every_key_has_a_terminal_sequence():
    """A new binding the sweep could not type fails here, not silently."""
    for place in PLACES:
        for key in screen_keys(place) + widget_keys(place) + app_keys(place):
            assert key_bytes(key)


def same(shown: str, name: bytes) -> bool:
    """`shown` is the escaped `name` (or its start, cut with an ellipsis)."""
    full = safe_text(name, None)
    cut = shown.rstrip("…")
    return shown == full or (len(cut) >= 8 and full.startswith(cut))


def listed_keys(text: str) -> list[str]:
    """The key names in the keys screen's list, as shown."""
    lines = text.splitlines()
    top = next((i for i, line in enumerate(lines) if line.startswith("╭─ Keys")), None)
    if top is None:
        return []
    right = lines[top].index("╮")
    rows = []
    for line in lines[top + 2:]:
        if line.startswith("╰"):
            break
        rows.append(line[1:right - 1].strip())  # the last column may hold the scrollbar
    return rows


def selected_key(text: str) -> str:
    """The first line of the Key pane (the selected key's name, as shown)."""
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        left = line.find("╭─ Key ─")
        if left >= 0:
            return lines[i + 1][left + 1:].rstrip().rstrip("│").strip()
    return ""


# --- the sweep ------------------------------------------------------------------------------
class Sweep:
    """Runs the app in a pty and records every failure instead of stopping at the first."""

    def __init__(self, url: str, write: bool, key_count: int, traffic: Traffic, mode: str = "") -> None:
        self.url, self.write, self.key_count, self.traffic = url, write, key_count, traffic
        self.mode = mode or ("--write" if write else "read-only")
        self.failures: list[str] = []
        self.restarts = 0
        self.app: PtyApp | None = None
        self.checked = 0  # raw bytes already searched for payloads
        self.pressed = 0
        self.opening: set[str] = set()  # app keys that open a screen (learned on the dashboard)

    # --- the process -------------------------------------------------------------------------
    def start(self) -> None:
        args = [self.url] + (["--write"] if self.write else [])
        self.app = PtyApp(redis_tui_argv(*args), dict(os.environ))
        self.checked = 0
        self.glob: bytes | None = None  # the glob filter of the keys screen
        self.monitor_since: int | None = None  # traffic bursts sent when MONITOR was first started
        if not self.app.wait_for(lambda text: "● connected" in text and "─ Memory " in text, 20):
            raise AssertionError(f"the dashboard never showed data:\n{self.app.text()}")
        self.app.settle()

    def close(self) -> None:
        if self.app is not None:
            self.app.close()

    def where(self) -> str:
        text = self.app.text()
        return next((place for place, marker in MARKERS if marker in text), "unknown")

    def press(self, key: str, timeout: float = 1.5) -> None:
        """Press a key and let it paint; an app still busy after `timeout` s (a crash being
        printed, a slow screen) gets up to BUSY_S more, so what it does is seen after this key."""
        self.pressed += 1
        began = time.monotonic()
        self.app.press(key, timeout=timeout, busy=BUSY_S)
        if os.environ.get("SWEEP_DEBUG"):
            print(f"{self.mode}/{self.app.process.pid} {time.monotonic() - began:5.2f} {key!r} -> {self.where()}",
                  flush=True)

    # --- checks --------------------------------------------------------------------------------
    def healthy(self, place: str, action: str) -> bool:
        """Alive, no traceback on screen, no payload in the raw output; records a failure if not."""
        app = self.app
        raw = bytes(app.raw[max(0, self.checked - 16):])
        self.checked = len(app.raw)
        problems = [f"raw {payload!r} reached the terminal" for payload in PAYLOADS if payload in raw]
        text = app.text()
        crash = CRASH.search(text)
        if crash:
            problems.append(f"{crash.group(0)!r} on screen")
        if not app.alive():
            problems.append(f"the app exited with status {app.returncode}")
        if not problems:
            return True
        lines = [line for line in text.splitlines() if line.strip()]
        if crash:
            near = next(i for i, line in enumerate(lines) if crash.group(0) in line)
            lines = lines[max(0, near - 3): near + 4] if app.alive() else lines[-6:]
        else:
            lines = lines[-6:]
        shown = "\n      ".join(line[:150] for line in lines)
        self.failures.append(f"[{self.mode}] {place}: {action}: {'; '.join(problems)}\n      {shown}")
        if not app.alive() or crash:
            self.restart()
        return False

    def restart(self) -> None:
        self.close()
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            raise AssertionError("too many crashes, sweep stopped:\n" + "\n".join(self.failures))
        self.start()

    # --- moving around ------------------------------------------------------------------------
    def goto(self, place: Place, select: bool = True) -> None:
        """Back to the dashboard (escape out of anything), then the place's key."""
        for _ in range(10):
            here = self.where()
            if here == place.name:
                self.prepare(place, select)
                return
            if here == "dashboard":
                self.press(place.open)
                self.app.wait_for(lambda text: self.where() == place.name, 3)
            else:
                self.press("escape")
            if not self.healthy(here, f"going to {place.name}"):
                continue
        raise AssertionError(f"could not reach {place.name}; on screen:\n{self.app.text()}")

    def prepare(self, place: Place, select: bool = True) -> None:
        """What a binding needs: a selected key on the keys screen (one with a hostile name
        if `select`), MONITOR running."""
        app = self.app
        if place.name == "keys":
            app.wait_for(lambda text: "(scan complete)" in text, 10)
            if select:
                self.select_hostile()
        elif place.name == "monitor" and "MONITOR running" not in app.text():
            self.press("s")
            app.wait_for(lambda text: "MONITOR running" in text, 5)
            if self.monitor_since is None:
                self.monitor_since = self.traffic.bursts

    # --- the parts ----------------------------------------------------------------------------
    def sweep(self, place: Place) -> None:
        """Press every key of `place` (coming back to it after a key that leaves it).

        The app's own keys are pressed on the dashboard; those that open a screen there are
        pressed on every other screen too (screens stacked in every order), while those that
        change the app's state (pause, interval, ...) do the same from anywhere. With --write
        only the keys screen behaves differently: its keys are pressed (and the write
        actions confirmed, see write_actions); the other screens keep to their own keys on
        the dashboard and are opened and looked at.
        """
        if os.environ.get("SWEEP_DEBUG"):
            print(f"== {self.mode}/{self.app.process.pid} {place.name} at {time.monotonic():.1f}", flush=True)
        self.goto(place)
        if place.name == "monitor":
            self.check_following()
        if self.write and place.name not in ("dashboard", "keys"):
            self.healthy(place.name, "opening it")
            return
        if place.name == "keys" and not self.write:
            self.walk_keys()
        if place.name == "palette":
            self.run_from_palette()
        keys = screen_keys(place)
        if self.write:
            pass
        elif place.name == "dashboard":
            keys += app_keys(place)
        elif place.name != "help":  # (a modal: what opens over it is what opens over the screen below)
            keys += [key for key in app_keys(place) if key in self.opening]
        moves = widget_keys(place)  # last: they move the list's cursor off the key the others work on
        for key in keys + moves:
            self.goto(place, select=key not in moves)
            self.press(key)
            self.healthy(place.name, f"key {key!r}")
            here = self.where()
            if place.name == "dashboard" and here != "dashboard":
                self.opening.add(key)
            if here == "dialog":  # a dialog: it must paint, then it is cancelled
                self.press("escape")
                self.healthy(place.name, f"escape after {key!r}")

    def start_monitor(self) -> None:
        """Start MONITOR and go back: it runs in the background until the MONITOR screen is
        swept, where its stream must show the newest lines."""
        self.goto(PLACES[3])
        self.press("escape")
        self.healthy("monitor", "starting MONITOR")

    def check_following(self) -> None:
        """The stream follows the tail: a line of one of the last bursts of traffic is shown
        (once more lines came than the view holds: MONITOR may have started just now)."""
        def newest(text: str) -> int:
            return max((int(n) for n in re.findall(r"sweep-(\d+)", text)), default=0)

        started = self.traffic.bursts if self.monitor_since is None else self.monitor_since
        deadline = time.monotonic() + 2 * FILL_BURSTS
        while self.traffic.bursts < started + FILL_BURSTS and time.monotonic() < deadline:
            self.app.settle()

        if self.app.wait_for(lambda text: newest(text) >= self.traffic.bursts - 2, 5):
            return
        self.failures.append(f"[{self.mode}] monitor: the stream does not follow: the newest line on screen is "
                             f"from burst {newest(self.app.text())}, {self.traffic.bursts} were sent; on screen:\n"
                             + self.app.text())

    def walk_keys(self) -> None:
        """Every key's value shown once (each type's viewer, hostile values), every hostile
        name seen in the list, escaped (``\\x1b[2J[red]`` as those characters)."""
        self.press("home")
        seen = set(listed_keys(self.app.text()))
        for _ in range(self.key_count):
            self.press("down", timeout=1.0)
            if not self.healthy("keys", "walking down the key list"):
                self.goto(PLACES[2])
            seen.update(listed_keys(self.app.text()))
        for name in HOSTILE_NAMES:
            if not any(same(row, name) for row in seen):
                self.failures.append(f"[{self.mode}] keys: {name[:40]!r} is not listed as {safe_text(name, 40)!r}")

    def select_hostile(self) -> None:
        """Unless a key with a hostile name is selected, move to the nearest one listed (one
        whose name breaks a markup parser if there is one), so `y`, `d`, `e`, `n` act on it."""
        text = self.app.text()
        if any(same(selected_key(text), name) for name in HOSTILE_NAMES):
            return
        at = self.cursor_row(text)
        if at is None:  # nothing selected yet: move off the cursor row and back
            self.press("down")
            self.press("up")
            text = self.app.text()
            at = self.cursor_row(text)
        rows = listed_keys(text)
        if at is None:
            return
        hostile = [i for i, row in enumerate(rows) if any(same(row, name) for name in HOSTILE_NAMES)]
        breaking = [i for i in hostile if any(same(rows[i], name) for name in MARKUP_NAMES)]
        if not hostile:
            return
        target = min(breaking or hostile, key=lambda i: abs(i - at))
        for _ in range(abs(target - at)):
            self.press("down" if target > at else "up", timeout=1.0)

    @staticmethod
    def cursor_row(text: str) -> int | None:
        """Where the selected key is in the list on screen (None: nothing selected)."""
        shown = selected_key(text).rstrip("…")
        if not shown or shown.startswith("Select a key"):
            return None
        for i, row in enumerate(listed_keys(text)):
            row = row.rstrip("…")
            if row == shown or (min(len(row), len(shown)) >= 8 and (row.startswith(shown) or shown.startswith(row))):
                return i
        return None

    def run_from_palette(self) -> None:
        """Our commands are reachable from the palette."""
        self.app.type("Help")
        self.press("enter")
        if self.healthy("palette", "running Help from the palette") and self.where() != "help":
            self.failures.append(f"[{self.mode}] palette: Help did not open the help screen:\n{self.app.text()}")
        self.goto(PLACES[-1])

    def write_actions(self, r: redis.Redis) -> None:
        """Confirm each destructive dialog on a throwaway key: the change is made, its toast shows."""
        for cancel in ("n", "escape"):
            self.confirm(b"tmp:del*", "d", [cancel], None)
        self.confirm(b"tmp:del*", "d", ["y"], "Deleted " + safe_text(DEL_KEY, 60))
        self.expect(not r.exists(DEL_KEY), f"d + y did not delete {DEL_KEY!r}")
        self.confirm(b"tmp:ttl*", "e", ["text:100", "enter"], safe_text(TTL_KEY, 60) + " expires in 100 s")
        self.expect(0 < r.ttl(TTL_KEY) <= 100, f"e 100 did not set the TTL of {TTL_KEY!r}")
        self.confirm(b"tmp:ttl*", "e", ["enter"], safe_text(TTL_KEY, 60) + " no longer expires")
        self.expect(r.ttl(TTL_KEY) == -1, f"e + empty did not remove the TTL of {TTL_KEY!r}")
        self.confirm(b"tmp:ren*", "n", ["end", "text:2", "enter"], "Renamed tmp:ren to tmp:ren2")
        self.expect(r.exists(b"tmp:ren2") and not r.exists(REN_KEY), "n did not rename tmp:ren to tmp:ren2")
        self.confirm(b"tmp:ren*", "n", ["home", "ctrl+k", "text:tmp:taken", "enter", "y"],
                     "Renamed tmp:ren2 to tmp:taken")
        self.expect(r.get(TAKEN_KEY) == b"throwaway " + REN_KEY, "n + y did not replace tmp:taken")

    def expect(self, ok: bool, what: str) -> None:
        if not ok:
            self.failures.append(f"[{self.mode}] keys: {what}")

    def filter_keys(self, glob: bytes) -> bool:
        """The keys screen listing only the keys matching `glob` (one is selected)."""
        self.goto(PLACES[2])
        if self.glob == glob:
            return True
        self.glob = glob
        self.press("slash")
        self.press("home")
        self.press("ctrl+k")
        self.app.type(glob.decode())
        self.press("enter")
        self.prepare(PLACES[2])
        return self.healthy("keys", f"glob {glob!r}")

    def confirm(self, glob: bytes, key: str, then: list[str], toast: str | None) -> None:
        """On the only key matching `glob`: press `key`, then each step ("text:…" is typed);
        the app must stay up and show `toast`."""
        action = f"{glob.decode()}: {key} then {' '.join(then)}"
        if not self.filter_keys(glob):
            return
        self.press(key)
        if self.where() != "dialog":
            self.failures.append(f"[{self.mode}] keys: {action}: no dialog; on screen:\n{self.app.text()}")
        for step in then:
            if step.startswith("text:"):
                self.app.type(step[len("text:"):])
            else:
                self.press(step)
        if not self.healthy("keys", action) or toast is None:
            return
        shown = self.app.wait_for(lambda text: toast in text, 5)
        self.app.settle()
        if self.healthy("keys", f"toast of {action}") and not shown:
            self.failures.append(f"[{self.mode}] keys: {action}: no toast {toast!r}; on screen:\n{self.app.text()}")

    def quit(self) -> None:
        """q on the dashboard: exit 0 and the terminal restored."""
        self.goto(PLACES[0])
        self.app.write(key_bytes("q"))
        status = self.app.wait_exit(10)
        raw = bytes(self.app.raw)
        if status != 0:
            self.failures.append(f"[{self.mode}] q: exit status {status}, on screen:\n{self.app.text()}")
        if ALT_SCREEN_OFF not in raw[raw.rfind(ALT_SCREEN_ON):]:
            self.failures.append(f"[{self.mode}] q: the alternate screen was not left; output ends:\n{self.app.tail(600)}")


# Sessions run side by side (the app waits for the terminal most of the time, so two cores
# carry three): each is one app on its own server. Every read-only session sweeps the
# dashboard first (that is where it learns which app keys open a screen).
SESSIONS = [
    ("read-only", False, ("dashboard", "troubleshoot", "analyze", "help", "palette")),
    ("read-only", False, ("dashboard", "keys", "monitor")),
    ("--write", True, tuple(place.name for place in PLACES)),
]


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
    return sweep.failures, (f"{mode} {', '.join(places)}: {sweep.pressed} keys in {took:.0f} s, "
                            f"{sweep.restarts} restarts")


def test_every_binding_of_every_screen(server_factory):
    servers = [server_factory() for _ in SESSIONS]
    with ThreadPoolExecutor(len(SESSIONS)) as pool:
        results = list(pool.map(lambda args: run_session(*args),
                                [(server, *session) for server, session in zip(servers, SESSIONS)]))
    failures = [failure for found, _ in results for failure in found]
    print("\n".join(summary for _, summary in results))
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
