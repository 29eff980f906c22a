"""`redis-tui analyze` on a real cluster (both kinds): every primary, totals = sum of DBSIZE, per-node shares."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from redis.asyncio.cluster import RedisCluster
from redis.crc import key_slot

from redis_tui import cli
from redis_tui.demo.cluster import LocalCluster

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SLOT_COUNT = 16384
KINDS_WRITTEN = ("string", "list", "set", "zset", "hash", "stream")


def slot_tags() -> list[str]:
    """One hash tag per slot: ``{tag}`` lands in slot i."""
    tags: list[str | None] = [None] * SLOT_COUNT
    missing, i = SLOT_COUNT, 0
    while missing:
        tag = f"t{i}"
        slot = key_slot(tag.encode())
        if tags[slot] is None:
            tags[slot] = tag
            missing -= 1
        i += 1
    return [t for t in tags if t is not None]


async def write_every_slot(port: int, tags: list[str], types: bool = True) -> dict[str, int]:
    """One key in every slot (types in turn); returns the keys written per type."""
    written = dict.fromkeys(KINDS_WRITTEN, 0)
    client = RedisCluster(host="127.0.0.1", port=port)
    await client.initialize()
    try:
        pipe = client.pipeline()
        for slot, tag in enumerate(tags):
            kind = KINDS_WRITTEN[slot % len(KINDS_WRITTEN)] if types else "string"
            key = f"app:{kind}:{{{tag}}}"
            if kind == "string":
                pipe.set(key, "v" * (slot % 40))
            elif kind == "list":
                pipe.rpush(key, *range(1 + slot % 5))
            elif kind == "set":
                pipe.sadd(key, *range(1 + slot % 5))
            elif kind == "zset":
                pipe.zadd(key, {str(n): n for n in range(1 + slot % 5)})
            elif kind == "hash":
                pipe.hset(key, mapping={str(n): n for n in range(1 + slot % 5)})
            else:
                pipe.xadd(key, {"f": slot})
            if slot % 10 == 0:
                pipe.expire(key, 3600)
            written[kind] += 1
        await pipe.execute()
    finally:
        await client.aclose()
    return written


@pytest.fixture(scope="module")
def filled(cluster: LocalCluster) -> dict[str, int]:
    return asyncio.run(write_every_slot(cluster.nodes[0].port, slot_tags()))


def primaries_dbsize(cluster: LocalCluster) -> dict[str, int]:
    return {cluster.addr(n): cluster.client(n).dbsize() for n in cluster.running() if cluster.role(n) == "master"}


def analyze(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["analyze", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_totals_are_the_sum_over_primaries_with_a_node_breakdown(cluster: LocalCluster, filled, capsys):
    code, out, _ = analyze(capsys, "-p", str(cluster.nodes[0].port), "--json")
    report = json.loads(out)
    sizes = primaries_dbsize(cluster)
    assert code == 0 and "complete" not in report
    assert report["keys_scanned"] == sum(sizes.values()) == SLOT_COUNT
    assert {kind: report["by_type"][kind]["keys"] for kind in KINDS_WRITTEN} == filled  # exact per type
    assert sum(t["bytes"] for t in report["by_type"].values()) == report["total_bytes"]
    nodes = report["nodes"]
    assert all(set(node) == {"addr", "keys", "bytes"} for node in nodes)
    assert {node["addr"]: node["keys"] for node in nodes} == sizes  # each primary's share is its DBSIZE
    assert sum(node["bytes"] for node in nodes) == report["total_bytes"] > 0
    assert report["ttl"]["expiring"] == len(range(0, SLOT_COUNT, 10))
    assert report["namespaces"][0] == {"prefix": '"app:"', "keys": SLOT_COUNT, "bytes": report["total_bytes"]}
    assert {b["prefix"] for b in report["namespaces"]} >= {f'"app:{kind}:"' for kind in KINDS_WRITTEN}


def test_text_report_says_it_covers_every_primary(cluster: LocalCluster, filled, capsys):
    code, out, _ = analyze(capsys, "-p", str(cluster.nodes[-1].port), "-c", "--top", "3")  # a replica as the seed
    assert code == 0
    assert "Cluster: 3 primaries analyzed concurrently" in out
    assert f"{SLOT_COUNT:,} keys scanned" in out and "INCOMPLETE" not in out
    for node in cluster.primaries:
        assert cluster.addr(node) in out
    for node in cluster.replicas:
        assert cluster.addr(node) not in out


def test_node_only_analyzes_the_node_given(cluster: LocalCluster, filled, capsys):
    node = cluster.primaries[1]
    code, out, _ = analyze(capsys, "-p", str(node.port), "--node-only", "--json")
    report = json.loads(out)
    assert code == 0 and "nodes" not in report
    assert report["keys_scanned"] == cluster.client(node).dbsize() < SLOT_COUNT


def test_cluster_flag_on_a_standalone_server_is_an_error(server, capsys):
    code, out, err = analyze(capsys, "-p", str(server.port), "-c")
    assert code == 2 and out == "" and "not a cluster" in err


def test_a_dead_primary_without_replica_is_reported_incomplete(cluster_factory, capsys):
    made = cluster_factory(primaries=3, replicas=0)
    asyncio.run(write_every_slot(made.nodes[0].port, slot_tags(), types=False))
    dead = made.primaries[2]
    made.kill(dead)
    code, out, err = analyze(capsys, "-p", str(made.nodes[0].port), "--json")
    report = json.loads(out)
    assert code == 1 and report["complete"] is False
    by_addr = {node["addr"]: node for node in report["nodes"]}
    assert by_addr[made.addr(dead)]["complete"] is False and by_addr[made.addr(dead)]["error"]
    alive = {made.addr(n): made.client(n).dbsize() for n in made.primaries[:2]}
    assert {a: n["keys"] for a, n in by_addr.items() if a in alive} == alive
    assert report["keys_scanned"] == sum(alive.values()) < SLOT_COUNT
    code, out, _ = analyze(capsys, "-p", str(made.nodes[0].port))
    assert code == 1 and "INCOMPLETE" in out and made.addr(dead) in out.split("INCOMPLETE: the scan of ")[1]


def test_a_failover_mid_scan_restarts_that_node_on_its_replica(cluster_factory, tmp_path):
    made = cluster_factory(primaries=3, replicas=1)
    asyncio.run(write_every_slot(made.nodes[0].port, slot_tags(), types=False))
    for node in made.primaries:
        assert made.client(node).execute_command("WAIT", 1, 5000) == 1  # the replica holds every key
    victim, heir = made.primaries[1], made.replicas[1]
    out_path = tmp_path / "out.json"
    with open(out_path, "wb") as out_file:
        proc = subprocess.Popen([sys.executable, "-m", "redis_tui", "analyze", "-p", str(made.nodes[0].port),
                                 "--json", "--batch", "10", "--pause", "8"], cwd=ROOT, stdout=out_file,
                                stderr=subprocess.PIPE)
        time.sleep(1.5)  # the scans are under way (about 550 batches 8 ms apart per node)
        assert proc.poll() is None
        made.kill(victim)
        _, err = proc.communicate(timeout=60)
    report = json.loads(out_path.read_text())
    assert proc.returncode == 0, err.decode()
    assert made.role(heir) == "master"
    sizes = primaries_dbsize(made)
    assert made.addr(heir) in sizes and made.addr(victim) not in sizes
    assert report["keys_scanned"] == sum(sizes.values()) == SLOT_COUNT  # nothing lost, nothing counted twice
    assert {node["addr"]: node["keys"] for node in report["nodes"]} == sizes
    assert f"{made.addr(heir)} now serves the slots of {made.addr(victim)}" in err.decode()
