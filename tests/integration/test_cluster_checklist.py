"""`doctor --checklist` on a real cluster judges every node and every shard, not the first node alone."""

from __future__ import annotations

from redis_tui import cli
from redis_tui.demo.cluster import LocalCluster
from tests.doctor_helpers import run_doctor


def lines_of(report) -> dict:
    return {line["id"]: line for line in report["checklist"]}


def test_checklist_json_names_every_node_and_the_shards_replicas(cluster: LocalCluster, capsys):
    code, report = run_doctor(capsys, "-h", "127.0.0.1", "-p", str(cluster.nodes[0].port), "--checklist")
    assert code == 0 and report["topology"]["kind"] == "cluster"
    lines = lines_of(report)
    assert lines["availability"]["status"] == "pass"
    assert lines["availability"]["evidence"] == "3 of 3 shards have a replica"
    assert lines["slots"]["status"] == "pass"
    # the fixture's nodes run without maxmemory: each is named, each with its own fix
    maxmemory = lines["maxmemory"]
    assert maxmemory["status"] == "fail" and maxmemory["evidence"].startswith("no maxmemory on ")
    for node in cluster.nodes:
        assert f":{node.port}" in maxmemory["evidence"]
        assert f"redis-cli -h 127.0.0.1 -p {node.port} CONFIG SET maxmemory <bytes>" in maxmemory["hint"]
    assert len(maxmemory["hint"].split("\n")) == len(cluster.nodes)


def test_checklist_text_lists_the_fix_per_node(cluster: LocalCluster, capsys):
    assert cli.main(["doctor", "-h", "127.0.0.1", "-p", str(cluster.nodes[0].port), "--checklist"]) == 0
    out = capsys.readouterr().out
    assert "High availability (a replica for every shard): 3 of 3 shards have a replica" in out
    for node in cluster.nodes:
        assert f"→ redis-cli -h 127.0.0.1 -p {node.port} CONFIG SET maxmemory <bytes>" in out


def test_a_cluster_without_replicas_fails_the_replica_line(cluster_factory, capsys):
    built = cluster_factory(primaries=3, replicas=0)
    code, report = run_doctor(capsys, "-h", "127.0.0.1", "-p", str(built.nodes[0].port), "--checklist")
    line = lines_of(report)["availability"]
    assert line["status"] == "fail"
    assert line["evidence"].startswith("0 of 3 shards have a replica; no replica for ")
    for node in built.primaries:
        assert f":{node.port}" in line["evidence"]
        assert built.ids[node.port] in line["hint"]
    assert code == 1  # cluster-no-replica is a warning
