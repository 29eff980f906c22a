"""A key's name on the keys screen: as a list cell, as text to edit, as what `y` copies,
and in a toast. Names are bytes; every form shown is escaped, never markup."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.app import App

from redis_tui.core.display import redis_repr, safe_text

KEY_LIMIT = 120  # characters of a key name shown in the list


def key_cell(key: bytes) -> Text:
    """A key name as a list cell: escaped, cut, never markup."""
    return Text(safe_text(key, KEY_LIMIT) or '""', no_wrap=True, overflow="ellipsis")


def editable_name(name: bytes | None) -> str:
    """`name` as text to edit in an Input: empty when it is not plain printable UTF-8 (an
    escaped form typed back would name another key)."""
    if name is None:
        return ""
    try:
        text = name.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    return text if safe_text(text, None) == text else ""


def copy_form(key: bytes) -> str:
    """What `y` copies: the name itself when it is plain printable UTF-8, else redis-cli's
    quoted form (so no control character reaches the clipboard)."""
    return editable_name(key) or redis_repr(key)


def toast(app: App[object], message: str, severity: Literal["information", "warning", "error"] = "information",
          timeout: float = 4) -> None:
    """Show `message` (already escaped with `safe_text`) in a toast, as plain text: a key
    name holding ``[red]`` or ``[/]`` must never be parsed as markup."""
    app.notify(message, severity=severity, timeout=timeout, markup=False)
