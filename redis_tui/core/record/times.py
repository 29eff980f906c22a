"""Times and durations on the command line: ISO 8601 (``2026-11-25T14:02``), ``HH:MM`` (today, local time),
relative (``-2h``, ``-15m``, ``-30s``, ``-1d``: before the recording's end; for a recording still being
written that is about now), or seconds since the epoch; durations like ``7d``, ``12h``, ``90m``, ``30s``."""

from __future__ import annotations

import datetime as dt
import re

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
TIME_HELP = ("ISO 8601 (2026-11-25T14:02), HH:MM (today, local time), relative to the recording's end (-2h, "
             "-15m; for a recording still being written that is about now) or epoch seconds")


class TimeError(ValueError):
    """A time or duration that cannot be read (the message says what is accepted)."""


def parse_duration(text: str, zero: bool = False) -> float:
    """Seconds in ``7d``, ``12h``, ``90m``, ``30s`` or a plain number of seconds (above 0, or 0 with `zero`)."""
    match = _DURATION.match(text)
    if not match or float(match.group(1)) <= 0 and not zero:
        raise TimeError(f"{text!r} is not a duration: give a number with s, m, h, d or w (7d, 12h, 90m)")
    return float(match.group(1)) * UNITS[match.group(2) or "s"]


def parse_time(text: str, end: float, today: dt.date | None = None) -> float:
    """Wall-clock seconds for `text`; relative forms count back from `end` (the recording's last snapshot)."""
    text = text.strip()
    if text.startswith("-"):
        return end - parse_duration(text[1:], zero=True)
    if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", text):
        parts = [int(p) for p in text.split(":")]
        day = today or dt.date.today()
        try:
            moment = dt.datetime(day.year, day.month, day.day, parts[0], parts[1], parts[2] if len(parts) > 2 else 0)
        except ValueError as exc:
            raise TimeError(f"{text!r} is not a time of day: {exc}") from exc
        return moment.timestamp()  # naive: local time
    if re.fullmatch(r"\d+(\.\d+)?", text) and len(text.split(".")[0]) >= 9:
        return float(text)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise TimeError(f"{text!r} is not a time: give {TIME_HELP}") from None
    return moment.timestamp()  # naive: local time; with an offset: that offset


def iso(t: float) -> str:
    """`t` as local ISO 8601 with an offset, to the millisecond."""
    return dt.datetime.fromtimestamp(t).astimezone().isoformat(timespec="milliseconds")
