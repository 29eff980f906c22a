"""A crash in the dashboard: exit status 1, the terminal restored, one line naming a report without secrets.

The app runs for real in a pseudo-terminal against a real server with a password; a tiny
launcher script makes one action raise (the test's own code, nothing the product ships).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import textwrap
import time
from pathlib import Path

PASSWORD = "s3cret-Crash-pw"
LAUNCHER = textwrap.dedent("""
    import sys
    from redis_tui.ui import app as app_module

    def refresh(self):
        secret = {password!r}  # a local holding the secret: Rich's locals view would print it
        raise RuntimeError("boom: CONFIG SET requirepass " + secret)

    app_module.RedisTuiApp.action_refresh = refresh
    from redis_tui.cli import main
    sys.exit(main(sys.argv[1:]))
""").format(password=PASSWORD)
CSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")


def _read(fd: int, until, timeout: float) -> bytes:
    """Read the pty until `until(data)` or EOF; bounded by `timeout`."""
    data = b""
    deadline = time.monotonic() + timeout
    while not until(data):
        assert time.monotonic() < deadline, f"timed out; output so far: {data[-2000:]!r}"
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            data += chunk
    return data


def test_a_crash_exits_1_with_one_line_naming_a_masked_report(server_factory, tmp_path):
    server = server_factory(config={"requirepass": PASSWORD})
    launcher = tmp_path / "launch.py"
    launcher.write_text(LAUNCHER)
    env = {**os.environ, "TERM": "xterm-256color", "XDG_STATE_HOME": str(tmp_path / "state"),
           "REDISCLI_AUTH": PASSWORD}
    env.pop("TEXTUAL", None)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    child = subprocess.Popen([sys.executable, str(launcher), "-p", str(server.port)], stdin=slave, stdout=slave,
                             stderr=slave, env=env, cwd=tmp_path, start_new_session=True)
    os.close(slave)
    try:
        seen = _read(master, lambda d: b"Memory" in d, 30)  # the dashboard is painted
        time.sleep(0.5)
        os.write(master, b"r")
        seen += _read(master, lambda d: False, 30)
        assert child.wait(10) == 1
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)

    assert b"\x1b[?1049l" in seen  # the alternate screen was left: the terminal is back
    tail = CSI.sub(b"", seen.rsplit(b"\x1b[?1049l", 1)[1]).decode()
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    match = re.fullmatch(r"redis-tui crashed \(RuntimeError\); the traceback is in (\S+)", lines[0])
    assert match, lines[0]
    report = Path(match[1])
    assert report.parent == tmp_path / "state" / "redis-tui" / "log"
    assert report.stat().st_mode & 0o077 == 0  # the owner's only
    text = report.read_text()
    assert "Traceback (most recent call last)" in text and "RuntimeError: boom: CONFIG SET requirepass ***" in text
    assert f"redis://:***@localhost:{server.port}/0" in text
    assert PASSWORD not in text
    assert PASSWORD.encode() not in seen and b"Traceback" not in seen
