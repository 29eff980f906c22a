"""Hot keys against real servers: an LFU server whose hot keys are made with GETs, a server without LFU
sampled with MONITOR while a thread drives traffic, and ACL users without OBJECT or MONITOR."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest
import redis

from redis_tui import cli
from redis_tui.core.diagnosis.permissions import RECIPE_RULES
from redis_tui.demo.server import EmbeddedServer, available_kinds

pytestmark = pytest.mark.integration

# lfu-log-factor 0: every access adds one to the counter (no randomness); decay off: counts stay put
LFU_CONFIG = {"maxmemory-policy": "allkeys-lfu", "lfu-log-factor": "0", "lfu-decay-time": "0",
              "enable-debug-command": "local"}
HOT = [(b"hot:string", "string", 90), (b"hot:hash", "hash", 60), (b"hot:list", "list", 30)]


def make_hot(r: redis.Redis) -> None:
    """2,000 cold keys (DEBUG POPULATE), then three keys of three types read many times."""
    r.execute_command("DEBUG", "POPULATE", 2000, "cold")
    r.set(b"hot:string", b"v")
    r.hset(b"hot:hash", b"f", b"v")
    r.rpush(b"hot:list", b"v")
    pipe = r.pipeline(transaction=False)
    for key, kind, reads in HOT:
        for _ in range(reads):
            {"string": pipe.get, "hash": lambda k: pipe.hget(k, b"f"), "list": lambda k: pipe.lindex(k, 0)}[kind](key)
    pipe.execute()


@pytest.fixture(scope="module", params=available_kinds())
def lfu_server(request: pytest.FixtureRequest) -> Iterator[EmbeddedServer]:
    """An LFU server with three hot keys, shared by the module (read only)."""
    server = EmbeddedServer(request.param, LFU_CONFIG).start()
    r = redis.Redis(port=server.port)
    make_hot(r)
    r.execute_command("ACL", "SETUSER", "nofreq", "on", ">pw", "~*", "+@all", "-object")
    r.execute_command("ACL", "SETUSER", "recipe", *[">pw" if rule == ">CHANGE-ME" else rule for rule in RECIPE_RULES])
    yield server
    server.close()


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_lfu_json_and_text(lfu_server, capsys):
    code, out, err = run_cli(capsys, "analyze", lfu_server.url, "--hotkeys", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["method"] == "lfu" and doc["sampled"] == 2003 and doc["seconds"] >= 0
    top = [(entry["key"], entry["type"]) for entry in doc["hotkeys"][:3]]
    assert top == [('"hot:string"', "string"), ('"hot:hash"', "hash"), ('"hot:list"', "list")]
    freqs = [entry["freq"] for entry in doc["hotkeys"]]
    assert freqs == sorted(freqs, reverse=True) and len(freqs) == 20 and freqs[0] > freqs[1] > freqs[2] > freqs[3]
    # the pipelined way (no scripts) finds the same list; text output like redis-cli's summary
    code, out, err = run_cli(capsys, "analyze", lfu_server.url, "--hotkeys", "--no-scripts")
    assert code == 0, err
    assert "Sampled 2003 keys in the keyspace!" in out
    lines = [line for line in out.splitlines() if line.startswith("hot key found")]
    assert lines[0] == f"hot key found with counter: {freqs[0]}\tkeyname: \"hot:string\""
    assert '"hot:hash"' in lines[1] and '"hot:list"' in lines[2]


def test_the_readme_acl_recipe_is_enough(lfu_server, capsys):
    code, out, err = run_cli(capsys, "analyze", f"redis://recipe:pw@127.0.0.1:{lfu_server.port}/0", "--hotkeys",
                             "--json")
    assert code == 0, err
    assert json.loads(out)["hotkeys"][0] == {"key": '"hot:string"', "freq": 95, "type": "string"}


def test_lfu_refused_object(lfu_server, capsys):
    url = f"redis://nofreq:pw@127.0.0.1:{lfu_server.port}/0"
    code, out, err = run_cli(capsys, "analyze", url, "--hotkeys", "--json")
    assert code == 2 and out == ""
    assert "OBJECT FREQ is not permitted for this user (NOPERM)" in err and "+object|freq" in err
    assert "Traceback" not in err and "pw@" not in err


def test_monitor_sample_counts_keys(server_factory, capsys):
    server = server_factory()
    r = redis.Redis(port=server.port)
    r.set(b"a", b"1")
    r.hset(b"h", b"f", b"v")
    r.execute_command("ACL", "SETUSER", "nomon", "on", ">pw", "~*", "+@all", "-monitor")
    stop = threading.Event()

    def traffic() -> None:
        c = redis.Redis(port=server.port)
        while not stop.is_set():
            pipe = c.pipeline(transaction=False)
            for _ in range(6):
                pipe.get(b"a")
            for _ in range(3):
                pipe.hget(b"h", b"f")
            pipe.get(b"missing")
            pipe.execute()
            time.sleep(0.01)

    driver = threading.Thread(target=traffic, daemon=True)
    driver.start()
    try:
        code, out, err = run_cli(capsys, "analyze", server.url, "--hotkeys", "--duration", "1", "--json")
        refused = run_cli(capsys, "analyze", f"redis://nomon:pw@127.0.0.1:{server.port}/0", "--hotkeys",
                          "--duration", "1")
    finally:
        stop.set()
        driver.join()
    assert code == 0, err
    doc = json.loads(out)
    assert doc["method"] == "monitor" and 0.9 <= doc["seconds"] < 3
    assert [(e["key"], e["type"]) for e in doc["hotkeys"]] == [('"a"', "string"), ('"h"', "hash"),
                                                                ('"missing"', "none")]
    hits = [e["hits"] for e in doc["hotkeys"]]
    assert hits[0] > hits[1] > hits[2] > 0 and doc["sampled"] >= sum(hits)
    assert "MONITOR sample" in err  # says which method it uses, and why
    code, out, err = refused
    assert code == 2 and "MONITOR" in err and "+monitor" in err and "Traceback" not in err
