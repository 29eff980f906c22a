"""The sweep itself: one `redis-tui` in a pty, driven through screens and keys, recording every
failure (screen, key, what was on screen) instead of stopping at the first; a crashed app is
started again and the sweep goes on."""

from __future__ import annotations

import os
import re
import time

import redis

from redis_tui.core.display import safe_text
from tests.terminal.pty_app import ALT_SCREEN_OFF, ALT_SCREEN_ON, PtyApp, key_bytes, redis_tui_argv
from tests.terminal.sweep_data import (
    DEL_KEY,
    HOSTILE_NAMES,
    MARKUP_NAMES,
    PAYLOADS,
    REN_KEY,
    TAKEN_KEY,
    TTL_KEY,
    Traffic,
)
from tests.terminal.sweep_places import (
    FLEET,
    MARKERS,
    PLACES,
    Place,
    app_keys,
    listed_keys,
    same,
    screen_keys,
    selected_key,
    widget_keys,
)

QUIT_ACTIONS = {"quit", "app.quit"}
UNTYPABLE = {"super+c"}  # macOS command key: no terminal sends it
CRASH = re.compile(r"Traceback|\b[A-Z]\w*(?:Error|Exception)\b")
MAX_RESTARTS = 8
BUSY_S = 10.0
FILL_BURSTS = 6  # bursts of traffic (10 MONITOR lines each) that overflow the stream view


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
                # on a loaded machine the app may still be busy: a second escape sent before the
                # first is read arrives as one ESC ESC sequence, which is no escape at all
                self.app.wait_for(lambda text, was=here: self.where() != was, 3)
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
        if not self.write and place.name == "dashboard":
            keys += app_keys(place)
        elif not self.write and place.name != "help":  # help: a modal, what opens over it opens below
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
            self.failures.append(f"[{self.mode}] q: the alternate screen was not left; output ends:\n"
                                 + self.app.tail(600))


class FleetSweep(Sweep):
    """The app on a fleet: the sweep's server and a port nobody listens on. It opens on the overview (a
    live row and a red one); every key of the overview and every app key that reaches it is pressed there;
    then enter opens the live server's dashboard, n goes to the next server (the dead one: its panel), n
    back, esc to the overview; q there exits 0 and restores the terminal."""

    def __init__(self, url: str, dead_url: str, traffic: Traffic) -> None:
        super().__init__(url, False, 0, traffic, "fleet")
        self.dead_url = dead_url

    def start(self) -> None:
        self.app = PtyApp(redis_tui_argv(self.url, self.dead_url), dict(os.environ))
        self.checked = 0
        if not self.app.wait_for(lambda text: "─ Servers " in text and "1/2 up" in text, 20):
            raise AssertionError(f"the fleet overview never showed its servers:\n{self.app.text()}")
        self.app.settle()

    def home(self) -> None:
        """Escape out of anything, back to the overview."""
        for _ in range(10):
            here = self.where()
            if here == "fleet":
                return
            self.press("escape")
            self.app.wait_for(lambda text, was=here: self.where() != was, 3)
            self.healthy(here, "going back to the overview")
        raise AssertionError(f"could not reach the fleet overview; on screen:\n{self.app.text()}")

    def sweep_fleet(self) -> None:
        for key in screen_keys(FLEET) + app_keys(FLEET):
            self.home()
            self.press(key)
            self.healthy("fleet", f"key {key!r}")
        self.home()
        self.press("home")
        self.press("enter")
        port = self.url.rsplit(":", 1)[1].split("/")[0]
        if not self.app.wait_for(lambda text: self.where() == "dashboard" and f":{port}/0 │" in text, 5):
            self.failures.append(f"[fleet] enter did not open the live server's dashboard:\n{self.app.text()}")
        for key in ("n", "n", "escape"):
            self.press(key)
            self.healthy(self.where(), f"key {key!r} on a server's dashboard")
        if not self.app.wait_for(lambda text: self.where() == "fleet", 3):
            self.failures.append(f"[fleet] esc did not come back to the overview:\n{self.app.text()}")

    def quit(self) -> None:
        self.home()
        self.app.write(key_bytes("q"))
        status = self.app.wait_exit(10)
        raw = bytes(self.app.raw)
        if status != 0:
            self.failures.append(f"[fleet] q: exit status {status}, on screen:\n{self.app.text()}")
        if ALT_SCREEN_OFF not in raw[raw.rfind(ALT_SCREEN_ON):]:
            self.failures.append("[fleet] q: the alternate screen was not left; output ends:\n" + self.app.tail(600))
