"""The pure pieces of client kill, database switch, copy and export (no server, no I/O)."""

from __future__ import annotations

import base64
import json

from redis_tui.core.connection import Connections
from redis_tui.core.keyspace.export import check_path, copy_text, element_record, key_record, write_lines
from redis_tui.core.keyspace.values import Element
from redis_tui.core.models import ClientRow, DbKeys
from redis_tui.core.target import Target
from redis_tui.ui.dashboard.client_kill import describe, is_own, kill_client
from redis_tui.ui.dashboard.db_switch import databases_text, parse_db_number


def test_kill_goes_to_the_clients_node_on_a_cluster():
    connections = Connections(Target(host="seed.internal", port=7000, password="pw", db=0))
    seed = kill_client(connections, "")
    node = kill_client(connections, "10.0.0.5:7001")
    kwargs = node.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["password"]) == ("10.0.0.5", 7001, "pw")
    assert seed.connection_pool.connection_kwargs["host"] == "seed.internal"
    assert kwargs["client_name"] == "redis-tui-clients"


def test_own_connections_and_the_dialog_text_are_escaped():
    row = ClientRow(id=7, addr="10.0.0.1:5", name="\x1b[2J[red]x", age_s=90, cmd="[bold]get")
    assert is_own(ClientRow(id=1, addr="1.1.1.1:1", name="redis-tui-keys"), frozenset())
    assert is_own(ClientRow(id=1, addr="1.1.1.1:1"), frozenset({"1.1.1.1:1"}))
    assert not is_own(row, frozenset({"1.1.1.1:1"}))
    text = describe("10.0.0.5:7001", row).plain
    assert "\x1b" not in text and "\\x1b[2J[red]x" in text and "[bold]get" in text and "10.0.0.5:7001" in text


def test_database_number_and_list():
    assert parse_db_number("3", 16) == 3 and parse_db_number("db2", None) == 2
    assert "0 to 15" in str(parse_db_number("16", 16)) and "0 or more" in str(parse_db_number("-1", 16))
    text = databases_text((DbKeys(3, 2, 1, 0), DbKeys(0, 1_234, 0, 0)), 3).plain
    assert text.index("db0") < text.index("db3") and "▶ db3" in text and "1,234 keys" in text


def test_records_escape_what_is_not_utf8(tmp_path):
    assert key_record(b"\x1b[2J[red]", "string", None) == {"key": "\x1b[2J[red]", "type": "string", "ttl": -1}
    record = key_record(b"\xff\xfe", "hash", 1500)
    assert record["key"] == '"\\xff\\xfe"' and base64.b64decode(record["key_b64"]) == b"\xff\xfe"
    assert record["ttl"] == 1.5 and key_record(b"gone", "none", None)["ttl"] == -2
    cut = element_record("zset", Element(b"m" * 4, 10, index=3, score=b"1.5"))
    assert cut == {"index": 3, "member": "mmmm", "score": "1.5", "size": 10, "cut": True}
    stream = element_record("stream", Element(b"", 4, name=b"1-1", fields=((b"a", b"\x00\xff"),)))
    assert stream["id"] == "1-1" and stream["fields"][0]["value_b64"] == base64.b64encode(b"\x00\xff").decode()
    path = tmp_path / "out.jsonl"
    assert write_lines(path, [record, cut]) == 2
    raw = path.read_bytes()
    assert raw.isascii() and b"\x1b" not in raw and [json.loads(line) for line in raw.splitlines()][1] == cut


def test_copy_text_and_paths(tmp_path):
    assert copy_text(b"hello\nworld") == ("hello\nworld", False)
    assert copy_text(b"\x1b[2J") == ('"\\x1b[2J"', False)
    assert copy_text(b"x" * 10, limit=4) == ("xxxx", True)
    assert "directory" in str(check_path(str(tmp_path)))
    assert "no such directory" in str(check_path(str(tmp_path / "nope" / "a.jsonl")))
    assert check_path(str(tmp_path / "a.jsonl")) == tmp_path / "a.jsonl"
