"""Client and traffic rules at their thresholds."""

from __future__ import annotations

import pytest

from redis_tui.core.models import ClientRow, Problem, SlowEntry
from tests.diag_builders import MB, find, snapshot


@pytest.mark.parametrize(("rejected", "fires"), [(0, False), (1, True), (40, True)])
def test_rejected_connections(rejected, fires):
    before = snapshot({"stats": {"rejected_connections": 3}})
    now = snapshot({"stats": {"rejected_connections": 3 + rejected}}, taken_at=before.taken_at + 2)
    finding = find("rejected-connections", now, before)
    assert (finding is not None) == fires
    if fires:
        assert finding.evidence["rejected_in_window"] == rejected
        assert finding.evidence["maxclients"] == 10000
    assert find("rejected-connections", now, before, rejected_connections_min=41) is None


@pytest.mark.parametrize(("blocked", "fires"), [(9, False), (10, True), (11, True)])
def test_blocked_clients(blocked, fires):
    finding = find("blocked-clients", snapshot({"clients": {"blocked_clients": blocked}}))
    assert (finding is not None) == fires


def lookups(hits: int, misses: int, **extra):
    return {"stats": {"keyspace_hits": hits, "keyspace_misses": misses}, **extra}


@pytest.mark.parametrize(("hits", "misses", "fires"), [
    (500, 500, False),   # exactly 50%
    (499, 501, True),    # 49.9%
    (10, 989, False),    # 999 lookups: too few to judge
    (10, 990, True),
])
def test_low_hit_ratio_over_the_window(hits, misses, fires):
    before = snapshot(lookups(10**6, 0))
    now = snapshot(lookups(10**6 + hits, misses), taken_at=before.taken_at + 60)
    finding = find("low-hit-ratio", now, before)
    assert (finding is not None) == fires
    if fires:
        assert finding.evidence["lookups"] == hits + misses
        assert "in the last 1m00s" in finding.detail


def test_low_hit_ratio_falls_back_to_totals_since_start():
    finding = find("low-hit-ratio", snapshot(lookups(100, 900)))
    assert finding.evidence["hit_ratio_pct"] == 10.0
    assert "since the server started" in finding.detail
    assert find("low-hit-ratio", snapshot(lookups(10, 90))) is None


def slow(at: int, duration_us: int = 20_000, args=(b"KEYS", b"*")) -> SlowEntry:
    return SlowEntry(id=at, at=at, duration_us=duration_us, args=args, client_addr="10.0.0.7:4242")


@pytest.mark.parametrize(("age", "fires"), [(301, False), (300, True), (0, True)])
def test_slow_commands_window(age, fires):
    now = snapshot(slowlog=(slow(1_000_000 - age),))
    finding = find("slow-commands", now)
    assert (finding is not None) == fires
    if fires:
        assert finding.evidence["slowest_command"] == "KEYS *"
        assert "20.0 ms" in finding.title


def test_slow_commands_count_and_hostile_args():
    entries = (slow(999_990, 5000), slow(999_995, 90_000, (b"GET", b"\x1b[2J[red]boom[/]")))
    now = snapshot(slowlog=entries)
    finding = find("slow-commands", now)
    assert finding.evidence["count"] == 2
    assert finding.evidence["slowest_command"] == "GET \\x1b[2J[red]boom[/]"
    assert find("slow-commands", now, slow_commands_min=3) is None
    assert find("slow-commands", snapshot(slowlog=())) is None
    assert find("slow-commands", snapshot()) is None


@pytest.mark.parametrize(("omem", "fires"), [(32 * MB - 1, False), (32 * MB, True), (200 * MB, True)])
def test_client_output_buffer(omem, fires):
    clients = (ClientRow(id=7, addr="10.0.0.8:5000", name="\x1b]8;;x\x07", cmd="monitor", omem=omem, flags="O"),
               ClientRow(id=8, addr="10.0.0.9:5000", cmd="get", omem=100))
    finding = find("client-output-buffer", snapshot(client_list=clients))
    assert (finding is not None) == fires
    if fires:
        assert finding.evidence["client_id"] == 7 and finding.evidence["omem"] == omem
        assert "\x1b" not in finding.title and "\\x1b" in finding.title
        assert "redis-cli -h cache.example.internal -p 6390 --askpass CLIENT KILL ID 7" in " ".join(finding.hints)


def test_permission_denied_names_panes_and_rules():
    notes = (
        Problem("permission-denied", "CONFIG: …", "User mon has no permissions to run the 'config|get' command",
                source="config"),
        Problem("permission-denied", "CLIENT LIST: …", "NOPERM this user has no permissions", source="client-list"),
        Problem("command-unavailable", "SLOWLOG: …", "unknown command 'SLOWLOG'", source="slowlog"),
    )
    finding = find("permission-denied", snapshot(notes=notes))
    assert finding.severity == "warning"
    assert finding.evidence["denied_commands"] == ["client|list", "config|get"]
    assert "checklist" in finding.evidence["degraded"]["config|get"]
    assert "Clients pane" in finding.evidence["degraded"]["client|list"]
    assert "ACL SETUSER default +client|list +config|get" in " ".join(finding.hints)
    assert find("permission-denied", snapshot()) is None


def named(at: int, name: str, duration_us: int = 13_000) -> SlowEntry:
    args = (b"EVALSHA_RO", b"0" * 40, b"0")
    return SlowEntry(id=at, at=at, duration_us=duration_us, args=args, client_addr="127.0.0.1:5000", client_name=name)


@pytest.mark.parametrize("name", ["redis-tui-analyze", "redis-tui", "redis-tui-keys", "redis-tui-monitor"])
def test_slow_commands_ignores_redis_tuis_own_connections(name):
    assert find("slow-commands", snapshot(slowlog=(named(999_990, name),))) is None
    finding = find("slow-commands", snapshot(slowlog=(named(999_990, name, 90_000), named(999_995, "app"))))
    assert finding.evidence["count"] == 1 and finding.evidence["slowest_us"] == 13_000  # only the app's


def test_slow_commands_counts_an_app_named_like_a_prefix_of_ours():
    assert find("slow-commands", snapshot(slowlog=(named(999_990, "app"),))) is not None
    assert find("slow-commands", snapshot(slowlog=(named(999_990, "redis"),))).evidence["count"] == 1


def test_client_output_buffer_ignores_redis_tuis_own_monitor():
    ours = ClientRow(id=7, addr="10.0.0.8:5000", name="redis-tui-monitor", cmd="monitor", omem=200 * MB, flags="O")
    theirs = ClientRow(id=9, addr="10.0.0.9:5000", name="app", cmd="monitor", omem=40 * MB, flags="O")
    assert find("client-output-buffer", snapshot(client_list=(ours,))) is None
    finding = find("client-output-buffer", snapshot(client_list=(ours, theirs)))
    assert finding.evidence["client_id"] == 9 and finding.evidence["clients_over_limit"] == 1
