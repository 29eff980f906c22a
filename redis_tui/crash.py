"""When redis-tui itself fails: the traceback goes to a file, the user gets one line.

The file is plain text (no local variables, which may hold keys, values or secrets), with
the target's password and any ``requirepass``-like value masked, readable by its owner only.
It lives in ``platformdirs.user_log_path("redis-tui")``, else the user state directory,
else the temporary directory.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
import sys
import tempfile
import traceback
from pathlib import Path

import platformdirs

from redis_tui import __version__
from redis_tui.core.target import MASK, scrub

# a secret-bearing setting followed by its value: requirepass x, masterauth "x", AUTH x, password=x
_SECRET_SETTING = re.compile(
    r"(?P<name>\b(?:(?:requirepass|masterauth|auth-pass)['\"]?(?:\s*[:=,]\s*|\s+)"
    r"|(?:password|passwd|pass)['\"]?\s*[:=]\s*)['\"]?)(?P<value>[^\s'\",)]+)",
    re.I,
)
_AUTH_COMMAND = re.compile(r"\bAUTH(?P<sep>['\"]?,?\s+['\"]?)[^\s'\",)]+(?:(?P<sep2>['\"]?,?\s+['\"]?)[^\s'\",)]+)?")


def mask_secrets(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` with URL passwords, each of `secrets`, and values of password-like settings masked."""
    text = _SECRET_SETTING.sub(lambda m: m["name"] + MASK, scrub(text, secrets))
    return _AUTH_COMMAND.sub(lambda m: f"AUTH{m['sep']}{MASK}" + (f"{m['sep2']}{MASK}" if m["sep2"] else ""), text)


def crash_dirs() -> list[Path]:
    """Where a crash report may go, best first."""
    return [platformdirs.user_log_path("redis-tui"), platformdirs.user_state_path("redis-tui"),
            Path(tempfile.gettempdir())]


def report_text(error: BaseException, target: str = "", secrets: tuple[str, ...] = ()) -> str:
    """The report: versions, the (masked) target, and the traceback without locals, all masked."""
    head = [
        f"redis-tui {__version__} crashed at {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"Python {platform.python_version()} on {platform.platform()}",
    ]
    if target:
        head.append(f"target: {target}")
    body = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return mask_secrets("\n".join(head) + "\n\n" + body, secrets)


def write_report(error: BaseException, target: str = "", secrets: tuple[str, ...] = ()) -> Path | None:
    """Write the report to the first writable crash directory; its path, None when none was writable."""
    text = report_text(error, target, secrets)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for directory in crash_dirs():
        path = directory / f"crash-{stamp}-{os.getpid()}.log"
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as file:
                file.write(text)
        except OSError:
            continue
        return path
    return None


def report_crash(error: BaseException, target: str = "", secrets: tuple[str, ...] = ()) -> int:
    """Write the report, print one line on stderr naming it, and return the exit code 1."""
    path = write_report(error, target, secrets)
    if path is None:
        print(f"redis-tui crashed ({type(error).__name__}) and could not write its traceback to "
              f"{crash_dirs()[0]}", file=sys.stderr)
    else:
        print(f"redis-tui crashed ({type(error).__name__}); the traceback is in {path}", file=sys.stderr)
    return 1
