"""`redis-tui monitor` on a real cluster (both kinds): every primary in one stream, node first, filters, a lost node."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from redis.crc import key_slot

from redis_tui.demo.cluster import LocalCluster, slot_ranges

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def tool(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    out = tmp_path / f"out{time.monotonic_ns()}.txt"
    with open(out, "wb") as stdout, open(out.with_suffix(".err"), "wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "redis_tui", "monitor", *args], cwd=ROOT,
                                stdout=stdout, stderr=stderr)
    return proc, out


def errors(out: Path) -> str:
    return out.with_suffix(".err").read_text()


def wait_for(check, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def key_on(primary: int, primaries: int, prefix: str) -> str:
    """A key whose slot the `primary`-th primary serves."""
    first, last = slot_ranges(primaries)[primary]
    i = 0
    while not first <= key_slot(f"{prefix}{i}".encode()) <= last:
        i += 1
    return f"{prefix}{i}"


def send_to_owners(cluster: LocalCluster, prefix: str) -> dict[str, str]:
    """SET one key on each primary (straight to its owner); {node addr: key}."""
    sent = {}
    for index, node in enumerate(cluster.primaries):
        key = key_on(index, len(cluster.primaries), prefix)
        cluster.client(node).set(key, "v")
        sent[cluster.addr(node)] = key
    return sent


def stop(proc: subprocess.Popen, out: Path) -> str:
    proc.send_signal(signal.SIGINT)
    proc.wait(15)
    return errors(out)


def test_every_primary_in_one_stream_node_first(cluster: LocalCluster, tmp_path):
    proc, out = tool(tmp_path, "-p", str(cluster.nodes[0].port))
    wait_for(lambda: out.read_bytes().startswith(b"OK\n"))
    time.sleep(0.3)  # every node's MONITOR is open
    sent = send_to_owners(cluster, "mon:a:")
    wait_for(lambda: all(key.encode() in out.read_bytes() for key in sent.values()))
    err = stop(proc, out)
    assert proc.returncode == 0, err
    lines = out.read_text().splitlines()[1:]
    for addr, key in sent.items():
        mine = [line for line in lines if f'"SET" "{key}"' in line]
        assert len(mine) == 1 and mine[0].startswith(f"{addr} "), mine  # the node that ran it, first
    stamps = [float(line.split(" ", 2)[1]) for line in lines]
    assert stamps == sorted(stamps)  # merged by time
    assert {line.split(" ", 1)[0] for line in lines} <= set(sent)  # primaries only
    assert "MONITOR on 3 primaries" in err and "per node: " in err


def test_json_has_the_node_and_match_filters_the_merged_stream(cluster: LocalCluster, tmp_path):
    proc, out = tool(tmp_path, "-p", str(cluster.nodes[-1].port), "--json", "--match", "mon:b:*")
    time.sleep(1.5)  # no OK line in JSON mode
    send_to_owners(cluster, "other:b:")
    sent = send_to_owners(cluster, "mon:b:")
    wait_for(lambda: all(key.encode() in out.read_bytes() for key in sent.values()))
    err = stop(proc, out)
    assert proc.returncode == 0, err
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {(r["node"], r["args"][0]) for r in records} == set(sent.items())
    assert all(list(r)[:2] == ["node", "ts"] and r["command"] == "SET" for r in records)
    assert "filter:" in err


def test_a_node_going_away_ends_its_stream_the_others_go_on(cluster_factory, tmp_path):
    made = cluster_factory(primaries=3, replicas=0)
    proc, out = tool(tmp_path, "-p", str(made.nodes[0].port))
    wait_for(lambda: out.read_bytes().startswith(b"OK\n"))
    time.sleep(0.3)
    dead = made.primaries[2]
    made.kill(dead)
    wait_for(lambda: "its stream ended" in errors(out), 10)
    for node in made.primaries[:2]:  # keyless: answered even while the cluster is down
        assert made.client(node).echo(f"after:{node.port}") == f"after:{node.port}".encode()
    wait_for(lambda: all(f"after:{n.port}".encode() in out.read_bytes() for n in made.primaries[:2]))
    assert proc.poll() is None  # still streaming
    err = stop(proc, out)
    assert proc.returncode == 0, err
    assert f"{made.addr(dead)}: its stream ended" in err and "the other 2 nodes go on" in err
    lines = out.read_text().splitlines()
    for node in made.primaries[:2]:
        assert any(line.startswith(f"{made.addr(node)} ") and f"after:{node.port}" in line for line in lines)


def test_node_only_is_redis_cli_output(cluster: LocalCluster, tmp_path):
    node = cluster.primaries[0]
    proc, out = tool(tmp_path, "-p", str(node.port), "--node-only")
    wait_for(lambda: out.read_bytes().startswith(b"OK\n"))
    redis.Redis(port=node.port).echo("solo")
    wait_for(lambda: b'"solo"' in out.read_bytes())
    stop(proc, out)
    line = next(line for line in out.read_text().splitlines() if '"solo"' in line)
    assert line.split(" ", 1)[0].replace(".", "").isdigit()  # the timestamp first, as redis-cli prints it
