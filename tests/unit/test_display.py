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
