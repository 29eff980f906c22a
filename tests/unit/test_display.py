import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from redis_tui.core.display import redis_repr, safe_text

HOSTILE = b"\x1b[2J\x1b]8;;http://x\x07[red]boom[/]"


def test_terminal_escapes_become_visible_text():
    assert safe_text(HOSTILE) == "\\x1b[2J\\x1b]8;;http://x\\a[red]boom[/]"


def test_invalid_utf8_bidi_and_newlines_are_escaped():
    assert safe_text(b"a\xffb") == "a\\xffb"
    assert safe_text("\u202eevil") == "\\u202eevil"
    assert safe_text("a\nb\tc\\") == "a\\nb\\tc\\\\"
    assert safe_text("caf\u00e9 \u4e2d") == "caf\u00e9 \u4e2d"


def test_truncation_is_bounded_even_for_huge_values():
    big = b"y" * 50_000_000
    out = safe_text(big, 100)
    assert len(out) == 101 and out.endswith("…")
    assert safe_text("x" * 10, 10) == "x" * 10


def test_redis_repr_matches_redis_cli():
    assert redis_repr(b'a"b\\c\n\x00\xe2\x82\xac') == '"a\\"b\\\\c\\n\\x00\\xe2\\x82\\xac"'


@given(st.one_of(st.binary(max_size=500), st.text(max_size=500)), st.integers(min_value=1, max_value=300))
def test_safe_text_is_always_printable_and_bounded(data, limit):
    out = safe_text(data, limit)
    assert len(out) <= limit + 1
    assert all(ch.isprintable() or ch == " " for ch in out)


def _first_of_each_category() -> dict[str, str]:
    """One character of every Unicode general category (the first in code-point order; Zs: not the space)."""
    found: dict[str, str] = {}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        category = unicodedata.category(char)
        if char != " " and category not in found:
            found[category] = char
    return found


ESCAPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"}  # controls, format, surrogates, unassigned…
PRINTED_CATEGORIES = {"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No",
                      "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"}


def test_every_unicode_category_is_escaped_or_printed_as_intended():
    chars = _first_of_each_category()
    assert set(chars) == ESCAPED_CATEGORIES | PRINTED_CATEGORIES  # all 30 categories were found
    for category, char in chars.items():
        shown = safe_text(char)
        if category in ESCAPED_CATEGORIES:
            assert shown.startswith("\\") and char not in shown, (category, hex(ord(char)), shown)
        else:
            assert shown == char, (category, hex(ord(char)), shown)
    assert safe_text(" ") == " "


def test_line_and_paragraph_separators_are_escaped():
    assert safe_text("a\u2028b\u2029c") == "a\\u2028b\\u2029c"
