"""The server's whole configuration (`CONFIG GET *`): parsed with every secret masked at once (a password is
never kept, let alone shown), the values that changed since the screen first read them, a filter, and the
checks before a `CONFIG SET`.

Pure and never raising on an odd reply (a reply that is not a list of name, value pairs gives {}).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from redis_tui.core.connection import Commands
from redis_tui.core.parse import text_of
from redis_tui.core.poller import secret_config_key

SECRET_SET = "•••••• (set)"  # what a secret parameter shows when it holds something
SECRET_EMPTY = "(not set)"


def is_secret(name: str) -> bool:
    """True for a parameter that holds a credential (requirepass, masterauth, any *pass*/*auth*/*secret*)."""
    return secret_config_key(name.lower())


def mask(name: str, value: str) -> str:
    """`value`, or for a secret parameter only whether it is set."""
    if is_secret(name):
        return SECRET_SET if value else SECRET_EMPTY
    return value


def parse_config(reply: Any) -> dict[str, str]:
    """A CONFIG GET reply (a flat list of name, value pairs, or a dict) → {name: value}, names lower-case,
    sorted by name, secrets masked before they are kept."""
    if isinstance(reply, Mapping):
        pairs: Iterable[tuple[Any, Any]] = reply.items()
    elif isinstance(reply, (list, tuple)):
        pairs = zip(reply[0::2], reply[1::2], strict=False)
    else:
        return {}
    values: dict[str, str] = {}
    for raw_name, raw_value in pairs:
        if isinstance(raw_value, (list, tuple, Mapping)):
            continue
        name = text_of(raw_name).lower()
        values[name] = mask(name, text_of(raw_value))
    return dict(sorted(values.items()))


@dataclass(frozen=True)
class Change:
    """A parameter seen with another value than before: what it was when first read, what it is, when."""

    name: str
    first: str | None  # None: the parameter was not there at the first read
    now: str
    at: float


@dataclass
class ConfigWatch:
    """The values at the first read, and each parameter that has changed since (with the time it was seen)."""

    first: dict[str, str] | None = None
    last: dict[str, str] = field(default_factory=dict)
    changes: dict[str, Change] = field(default_factory=dict)

    def update(self, values: Mapping[str, str], at: float) -> list[Change]:
        """Take a new read; returns the parameters whose value differs from the read before this one."""
        if self.first is None:
            self.first, self.last = dict(values), dict(values)
            return []
        new: list[Change] = []
        for name, value in values.items():
            if self.last.get(name) == value:
                continue
            before = self.first.get(name)
            if before == value:  # changed back to what it was: nothing to highlight any more
                self.changes.pop(name, None)
            else:
                self.changes[name] = Change(name, before, value, at)
            new.append(Change(name, self.last.get(name), value, at))
        self.last = dict(values)
        return new


def matches(name: str, value: str, text: str) -> bool:
    """True when `text` (case-insensitive) is in the name or the (masked) value; an empty filter matches all."""
    needle = text.strip().lower()
    return not needle or needle in name or needle in value.lower()


def filtered(values: Mapping[str, str], text: str) -> dict[str, str]:
    """The parameters `matches` keeps, in order."""
    return {name: value for name, value in values.items() if matches(name, value, text)}


def refuse_set(name: str) -> str | None:
    """Why `name` may not be set from here (a secret), None when it may be (the server may still refuse it)."""
    if is_secret(name):
        return f"{name} holds a credential: redis-tui never shows or sets it (use redis-cli or the config file)."
    return None


async def read_config(client: Commands) -> dict[str, str]:
    """`CONFIG GET *`, masked (raises what the connection raises)."""
    return parse_config(await client.execute_command("CONFIG", "GET", "*"))


async def set_config(client: Commands, name: str, value: str) -> None:
    """`CONFIG SET name value` (raises the server's refusal); a secret is refused here first (ValueError)."""
    why = refuse_set(name)
    if why is not None:
        raise ValueError(why)
    await client.execute_command("CONFIG", "SET", name, value)
