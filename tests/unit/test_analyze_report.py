"""The analyzer's totals and the --json contract, on hand-made key stats (no server)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from redis_tui.commands.analyze import render
from redis_tui.core.keyspace.analyze import TTL_LABELS, AnalyzeOptions, Analyzer
from redis_tui.core.keyspace.scripts import KeyStats

HOSTILE = b"\x1b[2J\x1b]8;;http://x\x07[red]boom[/]"


def analyzer(**options) -> Analyzer:
    return Analyzer(None, AnalyzeOptions(**options))  # add()/report() never touch the client


def test_json_has_exactly_the_contract_shape():
    a = analyzer(top=2)
    a.add([KeyStats(b"user:1", "string", 100, 5, -1), KeyStats(HOSTILE, "hash", 900, 40, 90_000),
           KeyStats(b"\xff\xfe", "list", 50, 1000, 30_000)])
    doc = json.loads(json.dumps(a.report().to_json()))
    assert list(doc) == ["keys_scanned", "total_bytes", "by_type", "namespaces", "top_keys", "ttl", "elapsed_s"]
    assert doc["keys_scanned"] == 3 and doc["total_bytes"] == 1050
    assert doc["by_type"]["hash"] == {"keys": 1, "bytes": 900}
    assert doc["by_type"]["stream"] == {"keys": 0, "bytes": 0}  # every standard type is listed
    assert doc["namespaces"] == [{"prefix": '"\\x1b[2J\\x1b]8;;http:"', "keys": 1, "bytes": 900},
                                 {"prefix": '"user:"', "keys": 1, "bytes": 100}]
    assert all(set(top) == {"key", "type", "bytes", "length", "ttl"} for top in doc["top_keys"])
    # biggest by bytes first, then the biggest by length not listed yet
    assert [top["key"] for top in doc["top_keys"]] == [
        '"\\x1b[2J\\x1b]8;;http://x\\a[red]boom[/]"', '"user:1"', '"\\xff\\xfe"']
    assert doc["top_keys"][0]["ttl"] == 90 and doc["top_keys"][1]["ttl"] == -1
    assert set(doc["ttl"]) == {"persistent", "expiring", "histogram"}
    assert list(doc["ttl"]["histogram"]) == list(TTL_LABELS)
    assert doc["ttl"]["histogram"]["1m-1h"] == 1 and doc["ttl"]["histogram"]["<1m"] == 1
    assert doc["ttl"]["persistent"] == 1 and doc["ttl"]["expiring"] == 2


def test_histogram_bucket_edges():
    a = analyzer()
    ttls_s = [0, 59, 60, 3599, 3600, 86_399, 86_400, 7 * 86_400, 30 * 86_400, 400 * 86_400]
    a.add([KeyStats(b"k%d" % i, "string", 1, 1, ttl * 1000) for i, ttl in enumerate(ttls_s)])
    assert dict(a.report().ttl.histogram) == {"<1m": 2, "1m-1h": 2, "1h-1d": 2, "1d-7d": 1, "7d-30d": 1, ">30d": 2}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.binary(max_size=8), st.sampled_from(["string", "hash", "list", "set", "zset", "stream"]),
                          st.integers(0, 10**6), st.integers(-1, 10**6), st.integers(-1, 10**9)), max_size=80),
       st.integers(1, 5))
def test_totals_and_tops_match_brute_force(rows, top):
    a = analyzer(top=top)
    for start in range(0, len(rows), 7):  # in batches, like the scanner
        a.add([KeyStats(*row) for row in rows[start:start + 7]])
    report = a.report()
    assert report.keys_scanned == len(rows)
    assert report.total_bytes == sum(row[2] for row in rows)
    for total in report.by_type:
        assert total.keys == sum(1 for row in rows if row[1] == total.type)
        assert total.bytes == sum(row[2] for row in rows if row[1] == total.type)
    assert report.ttl.persistent == sum(1 for row in rows if row[4] < 0)
    assert report.ttl.expiring + report.ttl.persistent == len(rows)
    assert [t.bytes for t in report.top_by_bytes] == sorted((row[2] for row in rows), reverse=True)[:top]
    lengths = sorted((row[3] for row in rows if row[3] >= 0 and row[1] != "string"), reverse=True)[:top]
    assert [t.length for t in report.top_by_length] == lengths


def test_length_thresholds_only_rise_once_the_tops_are_full():
    a = analyzer(top=2)
    a.add([KeyStats(b"a", "hash", 500, 10, -1)])
    assert a._length_thresholds() == (0, 0)
    a.add([KeyStats(b"b", "list", 300, 20, -1), KeyStats(b"c", "string", 800, 800, -1)])
    # a full list takes only keys strictly bigger than its smallest; strings rank by bytes,
    # other types by bytes or length (and their length never exceeds their bytes)
    assert a._length_thresholds() == (501, 11)


def test_text_report_prints_hostile_names_escaped():
    a = analyzer()
    a.add([KeyStats(HOSTILE, "string", 10, 3, -1), KeyStats(b"\xff\xfe:x", "set", 20, 2, 5000)])
    text = render(a.report(), "redis://:***@h:6379/0")
    assert "\x1b" not in text and "\x07" not in text
    assert '"\\x1b[2J\\x1b]8;;http://x\\a[red]boom[/]"' in text  # redis-cli writes BEL as \\a
    assert '"\\xff\\xfe:"' in text


def test_folded_prefixes_are_said_and_a_lower_bound_is_never_shown_as_exact():
    from dataclasses import replace

    a = analyzer(top=3, max_children=2)
    a.add([KeyStats(b"%s:1" % name, "string", size, 1, -1) for name, size in ((b"a", 10), (b"b", 20), (b"c", 5))])
    report = a.report()  # the root keeps 2 prefixes (by bytes): c: (5 bytes, last in) is folded
    assert report.folded_prefixes == 1
    assert [b.prefix for b in report.namespaces] == [b"b:", b"a:"]
    doc = report.to_json()
    assert doc["namespaces_folded"] == 1 and all("exact" not in entry for entry in doc["namespaces"])
    text = render(report, "redis://h:6379/0")
    assert "1+ more prefixes are not listed on their own" in text
    merged = replace(report, namespaces=(replace(report.namespaces[0], exact=False),))  # as a cluster merge gives
    assert merged.to_json()["namespaces"][0]["exact"] is False
    assert '">=1"' not in render(merged, "x") and ">=1" in render(merged, "x")
    assert "namespaces_folded" not in analyzer().report().to_json()  # the usual document is unchanged
