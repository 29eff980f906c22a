"""The ``[fleet]`` config table: the profiles that make up the fleet ``redis-tui`` opens on by default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis_tui.core.options import Key, Options, option


def _is_names(value: Any) -> bool:
    return isinstance(value, list) and len(value) >= 2 and all(isinstance(v, str) and v for v in value)


@dataclass(frozen=True)
class FleetOptions(Options):
    """Fleet settings; every field is a ``[fleet]`` key."""

    profiles: tuple[str, ...] = option(
        None, Key(_is_names, 'a list of two or more profile names, e.g. ["cache", "sessions"]'),
        "profiles watched together when no URL or --profile is given (each a [profiles.NAME])", factory=tuple)
