"""Column widths of the clients table, measured once per client list (not per row drawn)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_duration


def text_width(values: Sequence[str], limit: int) -> int:
    """The widest `safe_text(value, limit)` among `values` (plain ASCII is measured without escaping)."""
    joined = "".join(values)
    if joined.isascii() and joined.isprintable() and "\\" not in joined:  # nothing to escape: the lengths
        widest = max(map(len, values), default=0)
        return widest if widest <= limit else limit + 1
    return max((len(safe_text(value, limit)) for value in set(values)), default=0)


def figure_width(values: Iterable[int], show: Callable[[int], str]) -> int:
    """The widest `show(value)` among `values`."""
    return max((len(show(value)) for value in set(values)), default=0)


def duration_width(values: Sequence[int]) -> int:
    """The widest `human_duration` among `values`: its width grows with the value within each unit
    (s, m, h, d), so the biggest value of each unit decides."""
    widest = 0
    for low, high in ((0, 60), (60, 3600), (3600, 86400), (86400, None)):
        top = max((v for v in values if v >= low and (high is None or v < high)), default=None)
        if top is not None:
            widest = max(widest, len(human_duration(top)))
    return widest


def number_width(values: Sequence[int]) -> int:
    """The widest `str` of non-negative `values`."""
    return len(str(max(values, default=0)))
