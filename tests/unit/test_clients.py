"""Clients at scale, the pure part: sorting, grouping, how often to send CLIENT LIST."""

from __future__ import annotations

import pytest

from redis_tui.core.clients import (
    NO_NAME,
    PLAIN_FLAGS,
    client_list_period,
    entries,
    group_clients,
    idle_band,
    in_group,
    name_pattern,
    sort_entries,
    sort_groups,
)
from redis_tui.core.models import ClientRow


def row(cid: int, addr: str = "10.0.0.1:5000", name: str = "", idle: int = 0, flags: str = "N", user: str = "default",
        age: int = 100, omem: int = 0) -> ClientRow:
    return ClientRow(cid, addr, name=name, idle_s=idle, flags=flags, user=user, age_s=age, omem=omem)


@pytest.mark.parametrize(("name", "pattern"), [
    ("worker-17", "worker-*"), ("worker-18", "worker-*"), ("web01-pool", "web*-pool"),
    ("sentinel-1a2b3c4d-cmd", "sentinel-*-cmd"), ("celery@host-3:pid-4567", "celery@host-*:pid-*"),
    ("deadbeef", "deadbeef"), ("cafe12", "*"), ("api", "api"), ("", NO_NAME),
])
def test_name_patterns_put_numbered_names_in_one_pool(name, pattern):
    assert name_pattern(name) == pattern


def test_the_host_of_an_address():
    assert row(1, "10.0.0.5:41234").host == "10.0.0.5"
    assert row(1, "[::1]:6001").host == "::1"
    assert row(1, "/tmp/redis.sock:0").host == "/tmp/redis.sock"
    assert row(1, "[/tmp/v.sock:0]:0").host == "/tmp/v.sock:0"  # Valkey's unix-socket form
    assert row(1, "").host == ""


def test_grouping_by_name_counts_every_pool():
    clients = [("", row(i, f"10.0.0.{i % 3}:{5000 + i}", name=f"api-{i}")) for i in range(600)]
    clients += [("", row(1000 + i, "10.0.9.9:1", name=f"worker-{i}", idle=4000, omem=10)) for i in range(250)]
    clients += [("", row(2000, "10.0.0.7:1"))]
    groups = group_clients(clients, "name")
    assert [(g.key, g.clients, g.names, g.hosts) for g in groups] == [
        ("api-*", 600, 600, 3), ("worker-*", 250, 250, 1), (NO_NAME, 1, 1, 1)]
    worker = groups[1]
    assert worker.max_idle_s == 4000 and worker.omem == 2500 and worker.nodes == 1


def test_grouping_by_host_user_and_node():
    clients = [("10.0.0.1:7000", row(i, f"10.1.0.{i % 2}:{i}", user="app" if i < 7 else "default"))
               for i in range(10)]
    clients += [("10.0.0.2:7001", row(i, f"10.1.0.5:{i}", user="app")) for i in range(4)]  # same ids, other node
    by_host = group_clients(clients, "host")
    assert [(g.key, g.clients) for g in by_host] == [("10.1.0.0", 5), ("10.1.0.1", 5), ("10.1.0.5", 4)]
    assert [(g.key, g.clients, g.nodes) for g in group_clients(clients, "user")] == [("app", 11, 2),
                                                                                       ("default", 3, 1)]
    assert [(g.key, g.clients) for g in group_clients(clients, "node")] == [("10.0.0.1:7000", 10),
                                                                            ("10.0.0.2:7001", 4)]


def test_grouping_by_flags_counts_a_client_in_each_of_its_groups():
    clients = [("", row(1, flags="bP")), ("", row(2, flags="b")), ("", row(3, flags="S")), ("", row(4, flags="O")),
               ("", row(5, flags="N")), ("", row(6, flags=""))]
    counts = {g.key: g.clients for g in group_clients(clients, "flags")}
    assert counts == {"blocked (b)": 2, "pub/sub (P)": 1, "replica (S)": 1, "MONITOR (O)": 1, PLAIN_FLAGS: 2}


def test_grouping_by_idle_time_keeps_the_bands_in_order():
    clients = [("", row(i, idle=idle)) for i, idle in enumerate((0, 9, 10, 59, 60, 3599, 3600, 86400, 10**7))]
    groups = group_clients(clients, "idle")
    assert [(g.key, g.clients) for g in groups] == [("< 10s", 2), ("10s–1m", 2), ("1–10m", 1), ("10m–1h", 1),
                                                    ("1h–1d", 1), ("≥ 1d", 2)]
    assert idle_band(600) == (3, "10m–1h")
    assert [g.key for g in sort_groups(groups, "clients", descending=True)][:2] == ["< 10s", "10s–1m"]
    assert [g.key for g in sort_groups(groups, "key", descending=True)][0] == "≥ 1d"


def test_in_group_agrees_with_the_groups():
    clients = [("", row(i, name=f"pool-{i}" if i % 2 else "cron", idle=i * 100)) for i in range(40)]
    for by in ("name", "host", "user", "flags", "idle", "node"):
        for group in group_clients(clients, by):
            assert sum(in_group(e, by, group.key) for e in clients) == group.clients, (by, group.key)
    with pytest.raises(ValueError, match="unknown grouping"):
        group_clients(clients, "colour")


def test_sorting_keeps_ties_in_node_and_id_order_and_survives_reversal():
    lists = [("b:2", (row(3, idle=5), row(1, idle=5))), ("a:1", (row(2, idle=5), row(9, idle=1))), ("c:3", None)]
    items = entries(lists)
    assert [(n, c.id) for n, c in items] == [("a:1", 2), ("a:1", 9), ("b:2", 1), ("b:2", 3)]
    assert [(n, c.id) for n, c in sort_entries(items, "idle", descending=True)] == [
        ("a:1", 2), ("b:2", 1), ("b:2", 3), ("a:1", 9)]
    assert [c.id for _, c in sort_entries(items, "idle")] == [9, 2, 1, 3]
    assert [n for n, _ in sort_entries(items, "node", descending=True)] == ["b:2", "b:2", "a:1", "a:1"]


@pytest.mark.parametrize(("cost", "period"), [
    (None, 5.0), (0.0, 5.0), (float("nan"), 5.0),
    (0.002, 5.0),   # 2 ms: 0.04 % of 5 s
    (0.05, 5.0),    # 50 ms: exactly 1 % of 5 s
    (0.06, 10.0),   # wants 6 s: the next round period
    (0.31, 45.0),   # wants 31 s
    (0.4, 45.0),
    (2.0, 60.0),    # wants 200 s: the ceiling
])
def test_client_list_period_keeps_it_under_one_percent_of_the_server(cost, period):
    assert client_list_period(cost, floor=5.0, ceiling=60.0) == period


def test_client_list_period_edges():
    assert client_list_period(1.0, floor=0.0, ceiling=60.0) == 0.0  # asked for on every poll: never slowed
    assert client_list_period(1.0, floor=90.0, ceiling=60.0) == 90.0  # a ceiling below the floor is the floor
    assert client_list_period(0.3, floor=5.0, ceiling=60.0, budget=0.10) == 5.0


def test_the_ceiling_comes_from_the_config_file(tmp_path):
    from redis_tui.config_file import ConfigError, load
    from redis_tui.settings import resolve

    path = tmp_path / "config.toml"
    path.write_text("client_list_interval = 10.0\nclient_list_max_interval = 120.0\n")
    settings = resolve({}, {}, load(path, True))
    assert (settings.client_list_interval, settings.client_list_max_interval) == (10.0, 120.0)
    assert resolve({}, {}).client_list_max_interval == 60.0
    path.write_text("client_list_max_interval = -1\n")
    with pytest.raises(ConfigError, match="client_list_max_interval"):
        load(path, True)


def test_a_minute_of_diagnosis_baselines_holds_no_client_list():
    # each baseline is read for its counters; 10,000 clients are ~3 MB a list, a dozen of them in a minute
    from redis_tui.core.diagnosis.diagnose import Diagnoser
    from redis_tui.core.models import Snapshot
    from redis_tui.core.target import Target

    diagnoser = Diagnoser(Target())
    for second in range(0, 60, 5):
        clients = tuple(row(i, idle=second) for i in range(3))
        findings = diagnoser.update(Snapshot(taken_at=1000.0 + second, client_list=clients))
        assert findings == diagnoser.findings
    assert len(diagnoser._recent) == 12 and all(s.client_list is None for s in diagnoser._recent)
