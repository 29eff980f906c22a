"""EventWatch: every event kind from hand-built updates (pure: no server, no clock), secrets masked, a node's
first observation, a cluster round (findings by node, a shard's failover), a Sentinel failover and a fleet."""

from __future__ import annotations

import json

from redis_tui.core.events import (
    CONFIG_CHANGE,
    CONNECTION_LOST,
    CONNECTION_RESTORED,
    FAILOVER,
    FINDING_CHANGED,
    FINDING_CLEARED,
    FINDING_OPENED,
    MONITOR_STARTED,
    MONITOR_STOPPED,
    RESTART,
    ROLE_CHANGE,
    Event,
    EventLog,
    EventWatch,
    at_least,
)
from redis_tui.core.findings import CRITICAL, INFO, WARNING, Finding
from redis_tui.core.models import Outage, Problem, Server, Snapshot
from redis_tui.core.nodes import Node, Topology, TopologyUpdate
from redis_tui.core.sentinel_state import Failover, SentinelState

RUN_A, RUN_B = "a" * 40, "b" * 40
A, B = "10.0.0.5:6379", "10.0.0.6:6379"


def snap(at: float, run_id: str = RUN_A, role: str = "master", master: str = "", config=None,
         uptime: int = 100) -> Snapshot:
    replication = {"role": role}
    if master:
        host, port = master.split(":")
        replication |= {"master_host": host, "master_port": port}
    return Snapshot(taken_at=at, server=Server(role=role, uptime_s=uptime),
                    info={"server": {"run_id": run_id}, "replication": replication}, config=config or {})


def outage(since: float, problem_id: str = "connection-refused") -> Outage:
    return Outage(Problem(problem_id, "Connection refused"), since=since, attempts=1, retry_at=since + 1)


def finding(fid: str, severity=WARNING, title: str = "", node: str = "") -> Finding:
    return Finding(fid, severity, title or f"{fid} title", {"used": 1}, node=node)


def kinds(events: list[Event]) -> list[str]:
    return [e.kind for e in events]


def test_first_observation_reports_open_findings_and_nothing_else():
    watch = EventWatch()
    events = watch.observe("", snap(10.0), [finding("memory-pressure", CRITICAL, "Memory at 96% of maxmemory")])
    assert kinds(events) == [FINDING_OPENED]
    event = events[0]
    assert (event.at, event.node, event.severity) == (10.0, "", "critical")
    assert event.summary == "memory-pressure opened (critical): Memory at 96% of maxmemory"
    assert event.payload["id"] == "memory-pressure" and event.payload["evidence"] == {"used": 1}
    assert watch.observe("", snap(11.0), [finding("memory-pressure", CRITICAL, "Memory at 97%")]) == []  # title only
    assert watch.observe("other", snap(11.0), []) == []  # a healthy first observation says nothing


def test_finding_changed_then_cleared():
    watch = EventWatch()
    watch.observe("", snap(1.0), [finding("memory-pressure", WARNING)])
    changed = watch.observe("", snap(2.0), [finding("memory-pressure", CRITICAL, "Memory at 99%")])
    assert kinds(changed) == [FINDING_CHANGED]
    assert changed[0].severity == "critical" and changed[0].payload["old_severity"] == "warning"
    assert "warning → critical (worse)" in changed[0].summary
    cleared = watch.observe("", snap(3.0), [])
    assert kinds(cleared) == [FINDING_CLEARED] and cleared[0].severity == "info"
    assert cleared[0].summary.startswith("memory-pressure cleared (was critical)")


def test_restart_across_an_outage_and_the_connection_events():
    watch = EventWatch()
    watch.observe("", snap(1.0), [finding("no-password", INFO)])
    lost = watch.observe("", outage(2.0), [finding("connection-refused", CRITICAL)])
    assert kinds(lost) == [CONNECTION_LOST]  # the connection finding is this event, not a finding event
    assert lost[0].severity == "critical" and lost[0].payload["problem"] == "connection-refused"
    assert lost[0].at == 2.0 and lost[0].summary == "Connection refused"
    assert watch.observe("", outage(2.0), [finding("connection-refused", CRITICAL)]) == []  # the same outage
    back = watch.observe("", snap(14.5, RUN_B, uptime=3), [finding("no-password", INFO)])
    assert kinds(back) == [CONNECTION_RESTORED, RESTART]  # no-password stayed open through the outage
    assert back[0].payload["down_s"] == 12.5 and back[0].summary == "back after 12s (was: Connection refused)"
    assert back[1].severity == "warning"
    assert back[1].payload == {"old_run_id": RUN_A, "new_run_id": RUN_B, "uptime_s": 3}
    assert back[1].summary == "restarted: run_id aaaaaaaa → bbbbbbbb, up 3s"


def test_an_outage_at_the_first_observation_is_reported():
    watch = EventWatch()
    assert kinds(watch.observe("", outage(5.0, "auth-required"), [finding("auth-required", CRITICAL)])) == [
        CONNECTION_LOST]


def test_config_change_masks_secrets_and_shows_bytes():
    watch = EventWatch()
    before = {"maxmemory": "2147483648", "requirepass": "", "masterauth": "(set)", "my-secret-x": "s1",
              "maxmemory-policy": "noeviction", "appendonly": "no"}
    after = before | {"maxmemory": "1073741824", "requirepass": "hunter2", "my-secret-x": "s2",
                      "maxmemory-policy": "allkeys-lru"}
    watch.observe("", snap(1.0, config=before), [])
    assert watch.observe("", snap(2.0), []) == []  # no CONFIG GET this time: nothing to compare
    events = watch.observe("", snap(3.0, config=after), [])
    assert kinds(events) == [CONFIG_CHANGE, CONFIG_CHANGE, CONFIG_CHANGE]
    by_name = {e.payload["parameter"]: e for e in events}
    assert by_name["maxmemory"].summary == "maxmemory 2gb → 1gb"
    assert by_name["maxmemory"].payload["old"] == "2147483648"
    assert by_name["maxmemory-policy"].summary == "maxmemory-policy noeviction → allkeys-lru"
    assert by_name["requirepass"].summary == "requirepass (not set) → (set)"
    text = json.dumps([e.to_json() for e in events])
    assert "hunter2" not in text and "s2" not in text  # my-secret-x s1 → s2 is no change once masked


def test_role_change_and_a_promotion_is_a_failover():
    watch = EventWatch()
    watch.observe("", snap(1.0, role="slave", master=A), [])
    moved = watch.observe("", snap(2.0, role="slave", master=B), [])
    assert kinds(moved) == [ROLE_CHANGE] and moved[0].summary == f"role replica of {A} → replica of {B}"
    promoted = watch.observe("", snap(3.0, role="master"), [])
    assert kinds(promoted) == [FAILOVER] and promoted[0].severity == "warning"
    assert promoted[0].payload["old"] == B and "is now master" in promoted[0].summary
    demoted = watch.observe("", snap(4.0, role="slave", master=A), [])
    assert kinds(demoted) == [ROLE_CHANGE] and demoted[0].payload["new_master"] == A


def test_monitor_events():
    watch = EventWatch(clock=lambda: 42.0)
    started, stopped = watch.monitor(True, "n1"), watch.monitor(False)
    assert (started.kind, started.at, started.node) == (MONITOR_STARTED, 42.0, "n1")
    assert stopped.kind == MONITOR_STOPPED and stopped.summary == "MONITOR stopped by redis-tui"


def cluster_round(at: float, primaries: dict[str, tuple[int, int]], updates) -> TopologyUpdate:
    nodes = tuple(Node(addr, node_id=addr, slots=(slots,)) for addr, slots in primaries.items())
    return TopologyUpdate(at, Topology("cluster", nodes), updates)


def test_cluster_round_events_carry_their_node_and_a_shard_failover_is_one_event():
    watch = EventWatch()
    first = watch.observe_round(cluster_round(1.0, {A: (0, 8191)}, {A: snap(1.0), B: snap(1.0, role="slave",
                                                                                          master=A)}),
                                [finding("memory-pressure", CRITICAL, node=A)])
    assert [(e.kind, e.node) for e in first] == [(FINDING_OPENED, A)]
    promoted = [finding("memory-pressure", CRITICAL, node=A), finding("cluster-down", CRITICAL),
                finding("cluster-node-failing", CRITICAL, node=A),
                Finding("cluster-failover", WARNING, "t", {"old": A, "new": B, "slots": 8192}, node=B)]
    events = watch.observe_round(cluster_round(2.0, {B: (0, 8191)}, {A: outage(1.5), B: snap(2.0)}), promoted)
    assert [(e.kind, e.node, e.at) for e in events] == [
        (CONNECTION_LOST, A, 1.5), (FINDING_OPENED, A, 2.0), (ROLE_CHANGE, B, 2.0), (FINDING_OPENED, B, 2.0),
        (FAILOVER, B, 2.0), (FINDING_OPENED, "", 2.0)]  # memory-pressure on A: open still (A is unreachable)
    failover = events[4]
    assert failover.payload == {"old": A, "new": B, "slots": 8192}
    assert failover.summary == f"primary {A} → {B} (8192 slots)"


def test_sentinel_failover_once_with_its_duration():
    watch = EventWatch()
    state = SentinelState("mymaster", master=B, failovers=(Failover("mymaster", A, B, 100.0, 3.14, 2),))
    update = TopologyUpdate(101.0, Topology("sentinel", (Node(B),)), {B: snap(101.0)}, sentinel=state)
    events = watch.observe_round(update, [])
    assert kinds(events) == [FAILOVER]
    assert events[0].summary == f"master mymaster {A} → {B}, took 3.1 s"
    assert events[0].payload["took_s"] == 3.14 and events[0].node == B and events[0].at == 100.0
    assert watch.observe_round(update, []) == []  # each failover once


def test_fleet_members_are_servers_of_their_own():
    watch = EventWatch()
    update = TopologyUpdate(1.0, Topology("fleet", (Node(A), Node(B))), {A: snap(1.0), B: outage(1.0)})
    events = watch.observe_round(update, {A: (finding("no-password"),), B: ()})
    assert [(e.kind, e.node) for e in events] == [(FINDING_OPENED, A), (CONNECTION_LOST, B)]


def test_at_least_and_the_log_keeps_the_newest():
    assert at_least("critical", "warning") and not at_least("info", "warning") and at_least("warning", "warning")
    log = EventLog(limit=2)
    log.extend([Event(float(i), FINDING_OPENED, str(i)) for i in range(3)])
    assert [e.summary for e in log] == ["1", "2"] and log.total == 3 and log.newest.summary == "2"


def test_alert_options_alert_on_opened_or_worse_at_the_floor():
    import pytest

    from redis_tui.core.alerts import AlertOptions

    watch, alerts = EventWatch(), AlertOptions()
    opened = watch.observe("", snap(1.0), [finding("memory-pressure", WARNING), finding("rdb-save-failing", CRITICAL)])
    assert [alerts.alerting(e) for e in opened] == [False, True]
    worse = watch.observe("", snap(2.0), [finding("memory-pressure", CRITICAL), finding("rdb-save-failing", CRITICAL)])
    better = watch.observe("", snap(3.0), [finding("memory-pressure", WARNING)])
    assert [alerts.alerting(e) for e in worse] == [True]
    assert not any(AlertOptions(min_severity="info").alerting(e) for e in better)  # better, cleared: never
    with pytest.raises(ValueError, match="min_severity must be"):
        AlertOptions.from_section({"min_severity": "loud"})


def test_server_text_is_kept_as_received_and_escaped_once_when_shown():
    from redis_tui.core.display import safe_text

    watch = EventWatch()
    watch.observe("", snap(1.0, config={"notify-keyspace-events": ""}), [])
    [event] = watch.observe("", snap(2.0, config={"notify-keyspace-events": "\x1b[2J[red]KEA"}), [])
    assert event.summary == 'notify-keyspace-events "" → \x1b[2J[red]KEA'
    assert safe_text(event.summary).endswith("\\x1b[2J[red]KEA")  # escaped once, on screen
