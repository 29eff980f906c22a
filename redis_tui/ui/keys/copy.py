"""`Y` on the keys screen: copy a value to the clipboard (the app's, as `y` copies a key's name).

With the value table focused: the selected element (a hash field's value, a list item, a set or
sorted-set member, a stream entry's ``field=value`` lines); otherwise the string value — what the
detail pane read of it (its preview limit). Text only: a value that is not printable UTF-8 is
copied as redis-cli's quoted form; a value longer than the limit, or one the reader cut, is copied
cut and the toast says so. Nothing is sent to the server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from redis_tui.core.display import ELLIPSIS, safe_text
from redis_tui.core.format import human_bytes
from redis_tui.core.keyspace.export import COPY_LIMIT, copy_text
from redis_tui.core.keyspace.values import Element
from redis_tui.ui.keys.names import toast

if TYPE_CHECKING:
    from redis_tui.ui.keys.detail import KeyDetail


def element_bytes(kind: str, element: Element) -> bytes:
    """The bytes of an element that `Y` copies (a stream entry: its fields, one ``name=value`` a line)."""
    if kind == "stream":
        return b"\n".join(name + b"=" + value for name, value in element.fields)
    return element.value


def copy_value(detail: KeyDetail, element_row: int | None) -> None:
    """Copy the element at `element_row` of the value table (None: the string value)."""
    if detail.key is None or detail.info is None:
        toast(detail.app, "Select a key first")
        return
    kind = detail.kind or ""
    if element_row is not None and kind != "string":
        if not detail.window:
            toast(detail.app, "No element to copy")
            return
        element = detail.window[min(element_row, len(detail.window) - 1)]
        data, size = element_bytes(kind, element), element.size
        what = "element"
    elif detail.string_value is not None:
        value = detail.string_value
        data, size, what = value.data, value.size, "value"
    else:
        toast(detail.app, "Select an element in the value table (tab), or a string key, to copy a value")
        return
    text, cut = copy_text(data, COPY_LIMIT)
    cut = cut or size > len(data)
    detail.app.copy_to_clipboard(text)
    shown = text if len(text) <= 60 else text[:59] + ELLIPSIS
    shown = shown.replace("\n", " ")
    note = f" (cut: {len(text):,} characters of {human_bytes(size)})" if cut else ""
    toast(detail.app, f"Copied the {what}{note}: {copy_preview(shown)}", timeout=4)


def copy_preview(text: str) -> str:
    """The copied text as the toast shows it: printable, one line (escaped like redis-cli)."""
    return safe_text(text, 60)
