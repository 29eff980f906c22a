"""A whole Sentinel group (a master, 2 replicas, 3 Sentinels; shared by the module, only read): one Sentinel
leads to every member, each polled; the replication links between them; ``doctor`` on a Sentinel's port."""

from __future__ import annotations

import asyncio

from redis_tui.core.models import Snapshot
from redis_tui.core.nodes import PRIMARY, REPLICA, SENTINEL, TopologyUpdate
from redis_tui.core.replication import links
from redis_tui.core.sentinel import SentinelPoller
from redis_tui.core.target import Target
from redis_tui.core.topology import aggregate
from redis_tui.demo.sentinel import SentinelGroup
from tests.doctor_helpers import run_doctor


def poll_group(group: SentinelGroup, rounds: int = 2) -> TopologyUpdate:
    """`rounds` rounds of a SentinelPoller given the first Sentinel only."""
    async def go() -> TopologyUpdate:
        seed = Target(sentinel=(("127.0.0.1", group.sentinels[0].port),), master=group.name)
        poller = SentinelPoller(seed, interval=0.25, totals=aggregate, listen=False)
        try:
            update = await poller.poll()
            for _ in range(rounds - 1):
                await asyncio.sleep(0.25)
                update = await poller.poll()
            return update
        finally:
            await poller.close()

    return asyncio.run(go())


def test_one_sentinel_leads_to_the_master_its_replicas_and_the_other_sentinels(sentinel_group: SentinelGroup):
    update = poll_group(sentinel_group)
    topology, state = update.topology, update.sentinel
    master = sentinel_group.addr(sentinel_group.master)
    roles = {n.addr: n.role for n in topology.nodes}
    assert topology.kind == "sentinel" and topology.state == "ok"
    assert roles == {master: PRIMARY, **{sentinel_group.addr(r): REPLICA for r in sentinel_group.replicas},
                     **{a: SENTINEL for a in sentinel_group.sentinel_addrs}}  # two Sentinels learned from the first
    assert all(isinstance(u, Snapshot) for u in update.updates.values()) and len(update.updates) == 6
    assert state is not None and state.master == master and state.quorum == sentinel_group.quorum
    assert [v.addr for v in state.sentinels] == sorted(sentinel_group.sentinel_addrs)
    assert all(v.reachable and v.master == master and v.ckquorum_ok for v in state.sentinels)
    assert all(v.replicas == 2 and v.other_sentinels == 2 for v in state.sentinels)
    assert update.snapshot(master).server.role == "master"
    assert update.aggregate.primaries == update.aggregate.reporting == 1  # the totals are the master's


def test_the_replication_links_of_the_group(sentinel_group: SentinelGroup):
    update = poll_group(sentinel_group, rounds=1)
    data = {a: s for a, s in update.updates.items() if isinstance(s, Snapshot) and a in
            {n.addr for n in update.topology.nodes if n.role != SENTINEL}}
    masters, rows = links(data)
    master = sentinel_group.addr(sentinel_group.master)
    assert [m.addr for m in masters] == [master] and masters[0].replicas == 2
    configured = sentinel_group.client(sentinel_group.master).config_get("repl-backlog-size")["repl-backlog-size"]
    assert masters[0].backlog_size == int(configured) and masters[0].sync_full == 2  # one full sync per replica
    assert sorted(r.replica for r in rows) == sorted(sentinel_group.addr(r) for r in sentinel_group.replicas)
    for row in rows:  # both ends polled: the master's view and the replica's own
        assert row.master == master and row.state == "online" and row.link == "up"
        assert row.lag_bytes is not None and row.lag_bytes >= 0 and row.read_only is True


def test_doctor_on_a_sentinel_port_checks_every_member(sentinel_group: SentinelGroup, capsys):
    port = str(sentinel_group.sentinels[1].port)
    code, report = run_doctor(capsys, "-h", "127.0.0.1", "-p", port, "--timeout", "3")  # one round is enough
    assert code == 0 and report["status"] == "OK"
    topology = report["topology"]
    assert topology["kind"] == "sentinel" and topology["state"] == "ok" and topology["quorum"] == 2
    assert topology["master"] == sentinel_group.addr(sentinel_group.master)
    assert sorted(n["role"] for n in topology["nodes"]) == ["primary", "replica", "replica", "sentinel", "sentinel",
                                                           "sentinel"]
    assert all(n["reachable"] and n["status"] == "OK" for n in topology["nodes"])
    assert not [f for f in report["findings"] if f["id"].startswith("sentinel-") or f["severity"] != "info"]
    code, report = run_doctor(capsys, "-h", "127.0.0.1", "-p", port, "--master", "nosuch")
    assert code == 3 and "does not monitor 'nosuch'" in report["error"]
    code, report = run_doctor(capsys, "--sentinel", f"127.0.0.1:{port}", "--master", "nosuch")
    assert code == 3 and report["error"] == f"the Sentinel at 127.0.0.1:{port} does not monitor 'nosuch' " \
                                            "(it monitors: mymaster)"


def test_the_dashboard_watches_the_group_of_a_sentinel_it_is_pointed_at(sentinel_group: SentinelGroup):
    from redis_tui.settings import resolve
    from redis_tui.ui.run import watch_sentinel

    sentinel = sentinel_group.sentinels[2]
    found = watch_sentinel(resolve({"host": "127.0.0.1", "port": str(sentinel.port)}, {}))
    assert isinstance(found, tuple)
    settings, notice = found
    assert settings.target.sentinel == (("127.0.0.1", sentinel.port),) and settings.target.master == "mymaster"
    assert notice == f"127.0.0.1:{sentinel.port} is a Sentinel: watching its group 'mymaster'"
    master = resolve({"host": "127.0.0.1", "port": str(sentinel_group.master.port)}, {})
    assert watch_sentinel(master) is None  # a data server: not a Sentinel
    asked = resolve({"host": "127.0.0.1", "port": str(sentinel.port), "master": "other"}, {})
    assert watch_sentinel(asked) == f"the Sentinel at 127.0.0.1:{sentinel.port} does not monitor 'other' " \
                                    "(it monitors: mymaster)"
    named = resolve({"sentinel": [f"127.0.0.1:{sentinel.port}"], "master": "other"}, {})
    assert watch_sentinel(named) == watch_sentinel(asked)  # --sentinel with a name it does not know: said at start
