"""String classification and the hex dump (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from redis_tui.core.keyspace.values import StringValue, hex_dump


def test_kinds():
    assert StringValue(b'{"a": [1, 2]}', 13).kind == "json"
    assert StringValue(b'{"a": [1, 2]', 12).kind == "text"  # not valid JSON
    assert StringValue(b'{"a": 1', 5000).kind == "text"  # only a head: never parsed as JSON
    assert StringValue("héllo wörld".encode(), 13).kind == "text"
    assert StringValue(b"\x00\x01\x02\xff\xfe", 5).kind == "binary"
    assert StringValue(b"\x1b[2J\x1b[2J\x1b[2J", 12).kind == "binary"
    # a preview cut in the middle of a multibyte character is still text
    data = ("é" * 10).encode()[:-1]
    assert StringValue(data, 100).kind == "text"


def test_pretty_json_escapes_everything_unsafe():
    value = StringValue(b'{"k": "\\u001b[2J\xc3\xa9"}', 19)
    pretty = value.pretty_json()
    assert "\x1b" not in pretty and "\\u001b" in pretty and "\\u00e9" in pretty


def test_hex_dump_layout():
    assert hex_dump(b"Hello\x00\xff") == "00000000  48 65 6c 6c 6f 00 ff" + " " * 27 + "  |Hello..|"


@given(st.binary(max_size=100))
def test_hex_dump_is_printable_and_complete(data):
    dump = hex_dump(data)
    assert all(0x20 <= ord(ch) < 0x7F or ch == "\n" for ch in dump)
    hexes = "".join(line[10:57].replace(" ", "") for line in dump.splitlines())
    assert bytes.fromhex(hexes) == data
