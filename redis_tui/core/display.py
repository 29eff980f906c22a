"""Untrusted bytes → safe, printable, bounded text.

Key names, values, client names and addresses come from strangers. They may hold terminal
escapes, Rich/Textual markup, bidi controls, invalid UTF-8, or megabytes of data. Every
such string is shown through `safe_text` and rendered as plain text (a `rich.text.Text`,
never parsed as markup), so ``\\x1b[2J[red]`` appears as exactly those characters.
"""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"

_NAMED = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\a": "\\a", "\b": "\\b"}


def _unsafe(char: str) -> bool:
    """Characters a terminal could act on or that hide/reorder text."""
    if char in _NAMED:
        return True
    category = unicodedata.category(char)
    # Cc: C0/C1 controls incl. ESC and DEL; Cf: bidi overrides, zero-width chars, BOM;
    # Zl/Zp: line/paragraph separators; Cs/Co/Cn: surrogates, private use, unassigned
    # Zs other than the plain space: look like a space but are not one (deceptive names)
    return category in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn") or (category == "Zs" and char != " ")


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not valid UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def safe_text(data: bytes | str | None, limit: int | None = 200) -> str:
    """Printable text for `data`: controls escaped (``\\x1b``), invalid UTF-8 bytes as ``\\xNN``.

    At most `limit` characters (after escaping); longer results end with ``…``. Only the
    head of a large value is decoded, so a 50 MB value costs no more than a short one.
    """
    if data is None:
        return ""
    more = False
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data[: limit * 4 + 4]) if limit is not None else bytes(data)
        more = limit is not None and len(data) > len(raw)
        text = raw.decode("utf-8", "surrogateescape")
    else:
        text = data
        if limit is not None and len(text) > limit + 1:
            text, more = text[: limit + 1], True
    out: list[str] = []
    size = 0
    for char in text:
        piece = _escape(char) if _unsafe(char) else char
        if limit is not None and size + len(piece) > limit:
            return "".join(out) + ELLIPSIS
        out.append(piece)
        size += len(piece)
    return "".join(out) + (ELLIPSIS if more else "")


def redis_repr(data: bytes | str) -> str:
    """The quoted form redis-cli prints: ``"a\\x1b[2J\\"b\\""`` (non-printable ASCII and all
    non-ASCII bytes as ``\\xNN``)."""
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else bytes(data)
    out = ['"']
    for byte in raw:
        char = chr(byte)
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char in _NAMED:
            out.append(_NAMED[char])
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append(f"\\x{byte:02x}")
    out.append('"')
    return "".join(out)
