"""Drive the real `redis-tui` command in a pseudo-terminal and read its screen with pyte.

`PtyApp` starts the command on a pty of a fixed size (TERM=xterm-256color), keeps every byte
it writes (`raw`) and feeds them to a VT emulator (`pyte`), so a test sees what a user's
terminal would show (`text()`), and can press keys by their Textual names (`press("y")`,
`press("escape")`, `press("ctrl+p")`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from string import printable

import pyte
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual.keys import _character_to_key

ALT_SCREEN_ON = b"\x1b[?1049h"
ALT_SCREEN_OFF = b"\x1b[?1049l"
OSC = re.compile(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")  # operating system commands (title, clipboard)
EXIT_S = 15.0  # how long an exiting app may take to print its last words


def _key_bytes() -> dict[str, bytes]:
    """Textual key name → what a terminal sends for it."""
    keys: dict[str, bytes] = {}
    for sequence, names in ANSI_SEQUENCES_KEYS.items():
        if isinstance(names, tuple) and len(names) == 1:
            keys.setdefault(names[0].value, sequence.encode())
    for char in printable:
        if char.isprintable():
            keys[_character_to_key(char)] = char.encode()
    keys.update({"escape": b"\x1b", "enter": b"\r", "tab": b"\t", "space": b" "})
    return keys


KEYS = _key_bytes()


def key_bytes(name: str) -> bytes:
    """The bytes for one Textual key name ("y", "M", "slash", "escape", "ctrl+p", "end")."""
    if name in KEYS:
        return KEYS[name]
    if len(name) == 1:
        return name.encode()
    raise KeyError(f"no terminal sequence known for the key {name!r}")


class PtyApp:
    """A command running in a pty of `columns` × `lines`, read through a pyte screen."""

    def __init__(self, argv: list[str], env: dict[str, str], columns: int = 120, lines: int = 40) -> None:
        self.argv = argv
        self.columns, self.lines = columns, lines
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        master, slave = os.openpty()
        size = struct.pack("HHHH", lines, columns, 0, 0)
        for fd in (slave, master):
            fcntl.ioctl(fd, termios.TIOCSWINSZ, size)
        env = {**env, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)}
        for name in ("TEXTUAL", "NO_COLOR", "TMUX"):  # no devtools, colours as a user has them
            env.pop(name, None)
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True, close_fds=True)
        os.close(slave)
        self.master = master
        self.returncode: int | None = None

    # --- reading -------------------------------------------------------------------------
    def _read(self, timeout: float) -> bool:
        """Read what is there within `timeout` s; False when nothing came (or the pty closed)."""
        if self.master < 0:
            return False
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the process closed its side of the pty
            data = b""
        if not data:
            os.close(self.master)
            self.master = -1
            return False
        self.raw += data
        self.stream.feed(data)
        return True

    def settle(self, quiet: float = 0.15, timeout: float = 2.0, first: float = 0.15) -> bool:
        """Let the frames paint: read until the app has been idle (no output, no CPU used, no
        thread waiting to run) for `quiet` s, and at least `first` s after the call (True),
        or until `timeout` s passed (False).

        Watching the process as well as the output keeps a slow frame (a screen being mounted,
        a machine so busy the app waits for a core) from being taken for a quiet app.
        """
        start = time.monotonic()
        deadline = start + timeout
        last, cpu = start, self.cpu_ticks()
        while self.master >= 0:
            now = time.monotonic()
            if now >= deadline:
                return False
            if now - last >= quiet and now - start >= first:
                return True
            wrote = self._read(min(0.03, deadline - now))
            ticks = self.cpu_ticks()
            if wrote or ticks != cpu or self.runnable():
                last, cpu = time.monotonic(), ticks
        return True

    def cpu_ticks(self) -> int:
        """CPU time the process used so far, in clock ticks (0 once it has exited)."""
        fields = _stat(f"/proc/{self.process.pid}/stat")
        return int(fields[11]) + int(fields[12]) if fields else 0  # utime, stime

    def runnable(self) -> bool:
        """True while a thread of the process runs or waits for a core."""
        try:
            tasks = os.listdir(f"/proc/{self.process.pid}/task")
        except OSError:
            return False
        for task in tasks:
            fields = _stat(f"/proc/{self.process.pid}/task/{task}/stat")
            if fields and fields[0] == b"R":
                return True
        return False

    def wait_for(self, predicate, timeout: float = 10.0) -> bool:
        """Read until `predicate(self.text())` is true (True) or `timeout` s passed (False)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.text()):
                return True
            if not self._read(0.05) and not self.alive():
                return predicate(self.text())
        return predicate(self.text())

    def text(self) -> str:
        """The screen as the user sees it: one line per row, trailing blanks cut."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    def tail(self, size: int = 4000) -> str:
        """The end of everything written, for a failure message (escapes shown as `\\x1b`)."""
        return bytes(self.raw[-size:]).decode("utf-8", "replace").encode("unicode_escape").decode()

    # --- writing -------------------------------------------------------------------------
    def press(self, *keys: str, quiet: float = 0.15, timeout: float = 2.0, busy: float = 0.0) -> bool:
        """Press each key (a Textual key name) and let the frames it causes paint; False if the
        app was still busy after `timeout` s (and `busy` s more, if given)."""
        settled = True
        for key in keys:
            settled = self._send(key_bytes(key), quiet, timeout, busy)
        return settled

    def type(self, text: str, quiet: float = 0.15, timeout: float = 2.0, busy: float = 0.0) -> bool:
        """Type literal text (and let it paint)."""
        return self._send(text.encode(), quiet, timeout, busy)

    def _send(self, data: bytes, quiet: float, timeout: float, busy: float) -> bool:
        before = len(self.raw)
        self.write(data)
        settled = self.settle(quiet, timeout)
        if not settled and busy:
            settled = self.settle(quiet, busy)
        if self.exiting(before):
            # a crash is slow (the traceback is rendered, connections closed, then printed)
            # and pauses on the way: wait for its last words, so they are seen after this key
            self.wait_exit(EXIT_S)
        return settled

    def exiting(self, since: int) -> bool:
        """True if what was written from offset `since` on says the app is going: Textual rings
        the bell on an unhandled exception (a BEL outside any OSC sequence), and leaves the
        alternate screen when it stops."""
        data = bytes(self.raw[max(0, since - len(ALT_SCREEN_OFF)):])
        return ALT_SCREEN_OFF in data or b"\x07" in OSC.sub(b"", data)

    def write(self, data: bytes) -> None:
        """Send bytes as if typed (dropped once the process has gone)."""
        try:
            os.write(self.master, data)
        except OSError:
            if self.alive():
                raise

    # --- the process ---------------------------------------------------------------------
    def alive(self) -> bool:
        """True while the process runs."""
        if self.returncode is None:
            self.returncode = self.process.poll()
        return self.returncode is None

    def wait_exit(self, timeout: float = 10.0) -> int | None:
        """Read until the process exits; its exit status (None if it still runs after `timeout` s)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.alive():
            self._read(0.05)
        while self._read(0.05):  # what it wrote last (the terminal restore)
            pass
        return self.returncode if not self.alive() else None

    def close(self) -> None:
        """Kill the process group if it still runs, and close the pty."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
            self.alive()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1


def _stat(path: str) -> list[bytes]:
    """The fields of a /proc stat file after the command name (state first), [] if gone."""
    try:
        with open(path, "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return []


def redis_tui_argv(*args: str) -> list[str]:
    """The real CLI entry in this venv: ``python -m redis_tui ARGS``."""
    return [sys.executable, "-m", "redis_tui", *args]
