"""Numbers → short human text (bytes, durations, rates), shared by the UI and headless output."""

from __future__ import annotations

DASH = "—"


def human_bytes(value: float | None, precision: int = 1) -> str:
    """1536 → ``1.5K``; redis-cli style units (B, K, M, G, T), always below 1024 of the unit shown."""
    if value is None:
        return DASH
    number = float(value)
    sign = "-" if number < 0 else ""
    number = abs(number)
    if number < 1024 and f"{number:.0f}" != "1024":
        return f"{sign}{number:.0f}B"
    for power, unit in enumerate(("K", "M", "G", "T"), start=1):
        text = f"{number / 1024**power:.{precision}f}"
        if float(text) < 1024 or unit == "T":
            return f"{sign}{text}{unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def human_count(value: float | None) -> str:
    """12345678 → ``12.3M``; small numbers stay exact (``999``); always below 1000 of the unit shown."""
    if value is None:
        return DASH
    number = float(value)
    sign = "-" if number < 0 else ""
    number = abs(number)
    for power, unit in enumerate(("", "K", "M", "G", "T")):
        scaled = number / 1000**power
        if power == 0 and scaled == int(scaled):
            text = f"{scaled:.0f}"
        elif round(scaled, 1) < 100:
            text = f"{scaled:.1f}"
        else:
            text = f"{scaled:.0f}"
        if float(text) < 1000 or unit == "T":
            return f"{sign}{text}{unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def thousands(value: int | None) -> str:
    """1234567 → ``1,234,567``."""
    return DASH if value is None else f"{value:,}"


def human_rate(value: float | None, unit: str = "/s") -> str:
    """A per-second rate: ``1.2K/s``, ``0.3/s``, ``—`` when unknown."""
    if value is None:
        return DASH
    if 0 < abs(value) < 10:
        return f"{value:.1f}{unit}"
    return f"{human_count(value)}{unit}"


def human_duration(seconds: float | None) -> str:
    """3725 → ``1h02m``; 93784 → ``1d02h``; 42 → ``42s``."""
    if seconds is None:
        return DASH
    total = int(max(0, seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


def percent(ratio: float | None, digits: int = 1) -> str:
    """0.9312 → ``93.1%``."""
    return DASH if ratio is None else f"{ratio * 100:.{digits}f}%"
