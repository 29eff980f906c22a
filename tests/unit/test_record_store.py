"""The recording file without a server: the codec round-trips, seeks, retention, bad files, times, alerts."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import io
import json
import sqlite3
import sys

import pytest

from redis_tui.core import parse
from redis_tui.core.events import Event
from redis_tui.core.models import ClientRow, Outage, Problem, SlowEntry, Snapshot
from redis_tui.core.record import Recording, RecordingError, RecordingWriter, codec
from redis_tui.core.record.alerts import AlertRunner
from redis_tui.core.record.recording import with_rates
from redis_tui.core.record.times import TimeError, parse_duration, parse_time
from tests.diag_builders import MB, snapshot


def step(i: int, **extra) -> Snapshot:
    """The i-th second of a busy server: counters moving, a composite commandstats line, memory going up."""
    made = snapshot({"stats": {"total_commands_processed": 1000 + 900 * i, "keyspace_hits": 10 * i,
                               "keyspace_misses": 3 * i},
                     "memory": {"used_memory": 100 * MB + 4096 * i, "maxmemory": 200 * MB},
                     "commandstats": {"cmdstat_get": f"calls={100 * i},usec={150 * i},usec_per_call=1.50"},
                     "cpu": {"used_cpu_sys": f"{0.01 * i:.6f}"}},
                    taken_at=1_000_000.0 + i, **extra)
    return dataclasses.replace(made, commands=parse.commands_from(made.info))


def busy(i: int) -> Snapshot:
    rows = (ClientRow(7, "10.0.0.1:5000", name="w\x1b[2J", idle_s=i % 5, cmd="get"),)
    slow = (SlowEntry(3, 999_999, 12_000, (b"SET", b"k\xff\x00", b"v"), "10.0.0.1:5000", "w"),)
    return step(i, client_list=rows, client_list_at=1_000_000.0 + i, slowlog=slow, slowlog_at=999_999.5,
                notes=(Problem("permission-denied", "SLOWLOG: denied", source="slowlog", evidence=(("n", 1),)),),
                own_addr="127.0.0.1:4000")


def test_a_snapshot_and_an_outage_round_trip_through_keyframes_and_deltas():
    first, second = codec.to_doc(busy(1)), codec.to_doc(busy(2))
    blob, dictionary = codec.encode_key(first)
    back, again = codec.decode_key(blob)
    assert back == first and again == dictionary
    delta = codec.diff(first, second)
    assert delta["info"]["stats"]["total_commands_processed"] == 900  # an integer as its difference
    assert delta["info"]["commandstats"]["cmdstat_get"] == {"calls": 100, "usec": 150}
    packed, plain = codec.encode_delta(delta, dictionary)
    assert codec.patch(first, codec.decode_delta(packed, dictionary)[0]) == second
    rebuilt = codec.from_doc(second)
    original = busy(2)
    for name in ("taken_at", "server", "memory", "clients", "keyspace", "commands", "client_list", "slowlog",
                 "notes", "config", "info", "own_addr", "slowlog_at", "client_list_at"):
        assert getattr(rebuilt, name) == getattr(original, name), name
    outage = Outage(Problem("connection-refused", "refused", "Error 111", cause="x", evidence=(("port", 1),)),
                    5.0, 3, 9.0)
    assert codec.from_doc(codec.to_doc(outage)) == outage


def test_field_changes_keep_odd_values_exact():
    for old, new in (("-0", "1"), ("007", "8"), ("1.5", "2"), ("a=1,b", "a=2,b"), ("x=1,y=2", "x=1,z=2"),
                     ("5", "abc"), ("k=v,k=w", "k=v,k=x")):
        assert codec.apply_change(old, codec.field_change(old, new)) == new


def write(path, count: int, keyframe_every: int = 10, outage_at: int | None = None) -> None:
    writer = RecordingWriter(path, ["redis://:***@h:6379/0"], 1.0, keyframe_every=keyframe_every)
    for i in range(count):
        if i == outage_at:
            writer.add("", Outage(Problem("connection-refused", "refused"), 1_000_000.0 + i, 1, 1_000_001.0 + i),
                       at=1_000_000.0 + i)
        else:  # with its rates, as the poller gives it
            writer.add("", with_rates(busy(i), busy(i - 1) if i and i - 1 != outage_at else None))
        if i % 7 == 0:
            writer.add_event(Event(1_000_000.0 + i, "restart", f"event {i}", payload={"i": i}))
        writer.commit()
    writer.close()


def test_any_moment_is_rebuilt_with_its_rates_and_history(tmp_path):
    path = tmp_path / "r.rec"
    write(path, 45, outage_at=20)
    with Recording.open(path) as rec:
        assert (rec.start, rec.end, rec.nodes) == (1_000_000.0, 1_000_044.0, [""])
        for i in (0, 9, 10, 11, 19, 25, 44, 33, 3):  # backwards too: the cache must not mislead
            moment = rec.at(1_000_000.0 + i + 0.5)[""]
            assert moment.info == busy(i).info and moment.client_list == busy(i).client_list
            if i not in (0, 21):
                assert moment.rates.ops == pytest.approx(900.0)
        assert isinstance(rec.at(1_000_020.2)[""], Outage)
        assert rec.at(1_000_021.0)[""].rates.ops is None  # no rate across an outage
        history = rec.at(1_000_044.0)[""].history
        assert len(history.ops) == 44 and history.ops[-1] == 900.0
        assert history.hit_ratio[-1] == pytest.approx(76.9, 0.01)
        window = list(rec.between(1_000_018.0, 1_000_023.0))
        assert [t for t, _, _ in window] == [1_000_018.0 + i for i in range(6)]
        assert window[0][2].rates.ops == pytest.approx(900.0)
        assert [e.summary for e in rec.events(1_000_000.0, 1_000_014.0)] == ["event 0", "event 7", "event 14"]
        assert rec.event_near(1_000_007.0).summary == "event 14"
        assert rec.event_near(1_000_007.0, forward=False).summary == "event 0"
        buckets = rec.overview(5)
        assert len(buckets) == 5 and any(b.outage for b in buckets) and buckets[-1].used_memory > buckets[0].used_memory


def test_retention_prunes_old_rows_keeping_a_keyframe_for_what_is_left_and_gives_the_space_back(tmp_path):
    path = tmp_path / "r.rec"
    write(path, 400)
    size = path.stat().st_size
    writer = RecordingWriter(path, ["redis://h:6379/0"], 1.0, keyframe_every=10)
    assert writer.prune(1_000_305.0) > 0
    writer.close()
    assert path.stat().st_size < size * 0.6  # three quarters of the rows gone, their pages given back
    with Recording.open(path) as rec:
        assert rec.start == 1_000_300.0  # the keyframe the first snapshot kept needs
        assert rec.at(1_000_305.0)[""].info == busy(305).info
        assert rec.events()[0].at >= 1_000_305.0


def test_bad_files_give_one_clear_error(tmp_path):
    with pytest.raises(RecordingError, match="no such recording"):
        Recording.open(tmp_path / "missing.rec")
    text = tmp_path / "notes.txt"
    text.write_text("hello " * 1000)
    with pytest.raises(RecordingError, match="not a redis-tui recording"):
        Recording.open(text)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(RecordingError, match="not a redis-tui recording"):
        Recording.open(other)
    newer = tmp_path / "newer.rec"
    write(newer, 2)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE header SET value = '99' WHERE key = 'format'")
    conn.commit()
    conn.close()
    with pytest.raises(RecordingError, match="format 99.*upgrade"):
        Recording.open(newer)
    for foreign in (text, other):  # never written to
        before = foreign.read_bytes()
        with pytest.raises(RecordingError, match="not a redis-tui recording"):
            RecordingWriter(foreign, [], 1.0)
        assert foreign.read_bytes() == before


def test_a_password_that_slipped_into_a_snapshot_is_masked_in_the_file(tmp_path):
    path = tmp_path / "r.rec"
    writer = RecordingWriter(path, ["redis://:hunter22@h:6379/0"], 1.0, secrets=["hunter22"])
    writer.add("", step(1, config={"masterauth": "hunter22"}))
    writer.add_event(Event(1.0, "config-change", "masterauth hunter22", payload={"new": "hunter22"}))
    writer.close()
    assert b"hunter22" not in path.read_bytes()


def test_times_and_durations():
    end = dt.datetime(2026, 11, 25, 15, 0).timestamp()
    assert parse_time("-2h", end) == end - 7200 and parse_time(" -15m", end) == end - 900
    assert parse_time("-0s", end) == end
    assert parse_time("2026-11-25T14:02", end) == dt.datetime(2026, 11, 25, 14, 2).timestamp()
    assert parse_time("14:02", end, dt.date(2026, 11, 25)) == dt.datetime(2026, 11, 25, 14, 2).timestamp()
    assert parse_duration("7d") == 7 * 86400 and parse_duration("12h") == 43200 and parse_duration("90") == 90
    for bad in ("yesterday", "25:99"):
        with pytest.raises(TimeError):
            parse_time(bad, end)
    with pytest.raises(TimeError):
        parse_duration("0")


def opened(fid: str, node: str = "", severity: str = "critical", kind: str = "finding-opened", was: str = "",
           **payload) -> Event:
    """A finding event as EventWatch makes it (a cleared one is info; `was`: its finding's severity)."""
    return Event(1.0, kind, f"{fid} {kind}", node, severity, {"id": fid, "severity": was or severity, **payload})


def test_alerts_are_filtered_suppressed_and_bounded():
    now = [0.0]
    runner = AlertRunner("true", "redis://h:6379/0", repeat_s=60, queue=2, clock=lambda: now[0], log=io.StringIO())
    assert runner.offer(opened("memory-pressure"))
    assert not runner.offer(opened("memory-pressure"))  # the same within repeat_s
    assert not runner.offer(opened("no-password", severity="info"))  # info: below the default level
    assert not runner.offer(opened("no-password", severity="info", kind="finding-cleared"))
    assert runner.offer(opened("evictions", severity="info", kind="finding-cleared", was="warning"))
    assert runner.offer(opened("memory-pressure", node="10.0.0.2:6379"))  # another node
    assert not runner.offer(Event(1.0, "restart", "restart"))  # not a finding event
    assert not runner.offer(opened("evictions", severity="warning", kind="finding-changed", old_severity="critical"))
    assert runner.offer(opened("evictions", kind="finding-changed", old_severity="warning"))  # worse: queued
    assert runner.dropped == 2 and runner.suppressed == 1  # the queue holds 2: the oldest went
    now[0] = 61.0
    assert runner.offer(opened("memory-pressure"))


def test_an_alert_command_that_hangs_is_killed_and_one_that_fails_is_logged():
    log = io.StringIO()
    slow = AlertRunner(f"{sys.executable} -c 'import time; time.sleep(30)'", "t", timeout_s=0.3, log=log)
    assert not asyncio.run(slow.send(opened("memory-pressure")))
    failing = AlertRunner("cat > /dev/null; echo boom >&2; exit 3", "t", log=log)
    assert not asyncio.run(failing.send(opened("memory-pressure")))
    said = log.getvalue()
    assert "killed after 0.3 s" in said and "exited 3" in said and "boom" in said


def test_the_alert_command_gets_the_event_on_stdin_and_in_its_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("REDISCLI_AUTH", "hunter22")
    out = tmp_path / "got"
    runner = AlertRunner(f'cat > {out}; echo "$REDIS_TUI_EVENT|$REDIS_TUI_FINDING|$REDIS_TUI_SEVERITY|'
                         f'$REDIS_TUI_NODE|$REDIS_TUI_TARGET$REDISCLI_AUTH" >> {out}', "redis://:***@h:1/0")
    assert asyncio.run(runner.send(opened("memory-pressure", node="n:1")))
    event_line, env_line = out.read_text().splitlines()
    assert json.loads(event_line)["payload"]["id"] == "memory-pressure"
    assert env_line == "finding-opened|memory-pressure|critical|n:1|redis://:***@h:1/0"


def test_the_overview_of_a_long_recording_reads_the_minutes(tmp_path):
    path = tmp_path / "r.rec"
    writer = RecordingWriter(path, ["redis://h:6379/0"], 1.0)
    for i in range(12):  # two hours, a snapshot every ten minutes; down at the seventh
        t = 1_000_000.0 + 600 * i
        if i == 7:
            writer.add("", Outage(Problem("connection-refused", "refused"), t, 1, t + 1), at=t)
        else:
            made = dataclasses.replace(step(i), taken_at=t)
            writer.add("", dataclasses.replace(made, rates=dataclasses.replace(made.rates, ops=100.0 * i)))
        writer.commit()
    writer.close()
    with Recording.open(path) as rec:
        buckets = rec.overview(4)  # 27.5 minutes each: from the per-minute table
        assert [b.outage for b in buckets] == [False, False, True, False]
        assert buckets[0].ops == pytest.approx(100.0) and buckets[-1].used_memory == step(11).memory.used
