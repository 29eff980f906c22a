"""Which master to follow: a majority of the Sentinels (their answers and their +switch-master), never one
Sentinel's stale announcement; the failover's duration from its first sign to the switch. Event payloads are
the ones redis-server 7 and valkey-server 9 publish."""

from __future__ import annotations

from redis_tui.core.sentinel.follow import STALE_PENDING_S, MasterTracker
from redis_tui.core.sentinel.parse import about_master, fields, master_names, records, switch_of
from redis_tui.core.sentinel_state import SentinelEvent

A, B = "10.0.0.5:6379", "10.0.0.6:6379"
S1, S2, S3 = "10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379"


def event(at: float, sentinel: str, kind: str, text: str) -> SentinelEvent:
    return SentinelEvent(at, sentinel, kind, text)


def started(tracker: MasterTracker, at: float = 100.0) -> MasterTracker:
    tracker.answers({S1: A, S2: A, S3: A}, at)
    found = tracker.candidate(3)
    assert found == (A, 3)
    assert tracker.confirm(*found, at) is None  # the first master is no failover
    return tracker


def test_a_failover_moves_the_master_once_a_majority_names_the_new_one():
    tracker = started(MasterTracker("mymaster"))
    assert not tracker.event(event(200.0, S1, "+sdown", "master mymaster 10.0.0.5 6379"))
    assert tracker.event(event(201.0, S2, "+odown", "master mymaster 10.0.0.5 6379 #quorum 2/2"))
    tracker.event(event(201.5, S2, "+try-failover", "master mymaster 10.0.0.5 6379"))
    assert tracker.event(event(203.1, S2, "+switch-master", "mymaster 10.0.0.5 6379 10.0.0.6 6379"))
    assert tracker.pending == (B, 203.1) and tracker.odown_open
    assert tracker.candidate(3) is None  # one Sentinel so far
    tracker.event(event(203.4, S3, "+switch-master", "mymaster 10.0.0.5 6379 10.0.0.6 6379"))
    assert tracker.candidate(3) == (B, 2)
    failover = tracker.confirm(B, 2, 204.0)
    assert failover is not None and (failover.old, failover.new, failover.at) == (A, B, 203.1)
    assert abs(failover.took_s - 3.1) < 1e-9  # from +sdown to +switch-master
    assert failover.text().startswith(f"master mymaster moved {A} → {B} at ")
    assert failover.text().endswith("failover took 3.1 s")
    assert tracker.master == B and tracker.pending is None and not tracker.odown_open


def test_a_stale_switch_master_from_one_sentinel_moves_nothing():
    tracker = started(MasterTracker("mymaster"))
    tracker.event(event(300.0, S3, "+switch-master", "mymaster 10.0.0.7 6379 10.0.0.6 6379"))  # a rejoining one
    tracker.forget(S1)
    tracker.forget(S2)  # the other two do not answer this round: B is the only master named
    assert tracker.candidate(3) is None and tracker.master == A
    tracker.answers({S1: A, S2: A}, 300.5)
    assert tracker.candidate(3) is None and tracker.master == A
    assert tracker.pending == (B, 300.0)  # shown as unconfirmed…
    tracker.expire(300.0 + STALE_PENDING_S + 1)
    assert tracker.pending is None  # …and forgotten


def test_the_master_coming_back_ends_the_episode_but_valkeys_sdown_during_a_manual_failover_does_not():
    tracker = started(MasterTracker("mymaster"))
    tracker.event(event(400.0, S1, "+sdown", "master mymaster 10.0.0.5 6379"))
    tracker.event(event(401.0, S1, "-sdown", "master mymaster 10.0.0.5 6379"))  # back: no failover
    tracker.event(event(500.0, S1, "+try-failover", "master mymaster 10.0.0.5 6379"))  # SENTINEL FAILOVER
    tracker.event(event(500.1, S1, "-sdown", "master mymaster 10.0.0.5 6379"))  # Valkey 9 says this
    for sentinel in (S1, S2):
        tracker.event(event(501.2, sentinel, "+switch-master", "mymaster 10.0.0.5 6379 10.0.0.6 6379"))
    failover = tracker.confirm(*tracker.candidate(3), 501.5)
    assert failover is not None and abs(failover.took_s - 1.2) < 1e-9


def test_events_of_other_masters_or_of_replicas_are_not_the_masters():
    tracker = started(MasterTracker("mymaster"))
    assert not tracker.event(event(600.0, S1, "+sdown", "slave 10.0.0.7:6379 10.0.0.7 6379 @ mymaster 10.0.0.5 6379"))
    assert not tracker.event(event(600.0, S1, "+odown", "master other 10.0.0.9 6379 #quorum 2/2"))
    assert not tracker.event(event(600.0, S1, "+switch-master", "other 10.0.0.9 6379 10.0.0.8 6379"))
    assert not tracker.odown_open and tracker.pending is None


def test_sentinel_replies_and_payloads_parse_without_raising():
    assert fields([b"name", b"mymaster", b"ip", b"10.0.0.5", b"port", b"6379"]) == \
        {"name": "mymaster", "ip": "10.0.0.5", "port": "6379"}
    assert fields([b"odd"]) == {} and fields(None) == {} and fields(b"junk") == {}
    assert records([[b"ip", b"10.0.0.6"], b"junk", [b"ip", b"\xff"]]) == [{"ip": "10.0.0.6"}, {"ip": "\ufffd"}]
    assert switch_of("mymaster 10.0.0.5 6379 10.0.0.6 6379") == ("mymaster", A, B)
    assert switch_of("mymaster 10.0.0.5 x 10.0.0.6 6379") is None and switch_of("") is None
    assert about_master("slave 10.0.0.7:6379 10.0.0.7 6379 @ mymaster 10.0.0.5 6379") == ("mymaster", A)
    assert about_master("master mymaster ::1 6379") == ("mymaster", "[::1]:6379")
    assert about_master("1") is None
    info = {"sentinel": {"master0": "name=b,status=ok,address=1:2", "master1": "name=a,status=sdown", "masters": "x"}}
    assert master_names(info) == ("a", "b")
