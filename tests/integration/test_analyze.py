"""analyze against real servers: totals checked against DBSIZE, TYPE and MEMORY USAGE."""

from __future__ import annotations

import json

import pytest
import redis

from redis_tui import cli
from redis_tui.core.connection import make_client
from redis_tui.core.display import redis_repr
from redis_tui.core.keyspace.analyze import AnalyzeOptions, Analyzer
from redis_tui.core.target import Target, parse_url
from tests.integration.keyspace_dataset import BIG_HASH, BIG_LIST, BIG_STRING, HOSTILE

pytestmark = pytest.mark.integration


def expected(r: redis.Redis) -> dict:
    """By type, from the server's own answers for every key."""
    out: dict[str, list[int]] = {}
    for key in r.scan_iter(count=500):
        kind = r.type(key).decode()
        totals = out.setdefault(kind, [0, 0])
        totals[0] += 1
        totals[1] += r.memory_usage(key)
    return out


@pytest.mark.parametrize("server_side,parallel", [(True, 1), (True, 2), (False, 1)],
                         ids=["script", "script-x2", "pipeline"])
async def test_totals_match_the_server(dataset, server_side, parallel):
    r = dataset.sync
    client = make_client(Target(**parse_url(dataset.url)))
    progress = []
    report = await Analyzer(client, AnalyzeOptions(batch=64, server_side=server_side, parallel=parallel)).run(
        progress=progress.append, every=0)
    assert report.method == ("script" if server_side else "scan")
    assert report.complete and report.keys_scanned == r.dbsize()
    truth = expected(r)
    for total in report.by_type:
        assert [total.keys, total.bytes] == truth.get(total.type, [0, 0]), total.type
    assert report.total_bytes == sum(size for _keys, size in truth.values())
    assert progress[-1].fraction == 1.0 and progress[-1].keys == report.keys_scanned
    assert [p.fraction for p in progress] == sorted(p.fraction for p in progress)
    # biggest keys, with the server's own numbers
    biggest = sorted([BIG_STRING, BIG_LIST, BIG_HASH], key=r.memory_usage, reverse=True)
    assert [t.key for t in report.top_by_bytes[:3]] == biggest
    for top in report.top_by_bytes:
        assert top.bytes == r.memory_usage(top.key)
    assert report.top_by_length[0].key == BIG_LIST and report.top_by_length[0].length == r.llen(BIG_LIST)
    assert report.top_by_length[1].length == r.hlen(BIG_HASH)
    # TTLs
    ttls = [r.pttl(key) for key in r.scan_iter(count=500)]
    assert report.ttl.persistent == sum(1 for t in ttls if t < 0)
    assert report.ttl.expiring == sum(1 for t in ttls if t >= 0)
    histogram = dict(report.ttl.histogram)
    assert histogram["<1m"] == 1 and histogram["1m-1h"] == 50 and histogram["1h-1d"] == 1
    assert histogram["1d-7d"] == 1 and histogram["7d-30d"] == 1 and histogram[">30d"] == 1
    # namespaces at several depths
    prefixes = {b.prefix: b for b in report.namespaces}
    assert prefixes[b"big:"].keys == 3
    assert prefixes[b"big:"].bytes == sum(r.memory_usage(k) for k in (BIG_LIST, BIG_STRING, BIG_HASH))
    assert prefixes[b"user:"].keys == 300
    assert any(b.depth == 2 for b in report.namespaces)
    await client.aclose()


async def test_match_type_and_sample(dataset):
    r = dataset.sync
    client = make_client(Target(**parse_url(dataset.url)))
    users = await Analyzer(client, AnalyzeOptions(match=b"user:*")).run()
    assert users.keys_scanned == len(r.keys(b"user:*")) == 300
    lists = await Analyzer(client, AnalyzeOptions(type="list")).run()
    assert lists.keys_scanned == 51 and {t.type for t in lists.by_type if t.keys} == {"list"}
    sample = await Analyzer(client, AnalyzeOptions(sample=100, batch=30)).run()
    assert sample.keys_scanned == 100 and sample.sampled and sample.dbsize == r.dbsize()
    await client.aclose()


async def test_falls_back_to_pipelining_when_scripts_are_denied(server_factory):
    server = server_factory()
    admin = redis.Redis(port=server.port)
    admin.execute_command("ACL", "SETUSER", "reader", "on", ">pw", "~*", "&*", "+@all", "-@scripting", "-@write")
    for i in range(500):
        admin.set(b"k:%d" % i, b"x" * i)
    admin.hset(b"h", mapping={b"a": b"1"})
    client = make_client(Target(host="127.0.0.1", port=server.port, username="reader", password="pw"))
    report = await Analyzer(client, AnalyzeOptions(batch=100)).run()
    assert report.method == "scan" and report.keys_scanned == 501
    assert report.total_bytes == sum(admin.memory_usage(k) for k in admin.scan_iter())
    await client.aclose()
    admin.close()


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(["analyze", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json(dataset, capsys):
    r = dataset.sync
    code, out, err = run_cli(capsys, dataset.url, "--json", "--top", "3", "--batch", "100")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert list(doc) == ["keys_scanned", "total_bytes", "by_type", "namespaces", "top_keys", "ttl", "elapsed_s"]
    assert doc["keys_scanned"] == r.dbsize()
    assert doc["by_type"]["list"]["keys"] == 51
    assert doc["top_keys"][0] == {"key": '"big:string"', "type": "string", "bytes": r.memory_usage(BIG_STRING),
                                  "length": r.strlen(BIG_STRING), "ttl": -1}
    assert doc["ttl"]["persistent"] + doc["ttl"]["expiring"] == doc["keys_scanned"]
    pattern = HOSTILE.decode("latin-1").replace("[", "\\[")
    code, out, _ = run_cli(capsys, dataset.url, "--json", "--match", pattern, "--top", "1")
    assert code == 0 and "\x1b" not in out


def test_cli_text_report_hostile_names(dataset, capsys):
    code, out, err = run_cli(capsys, dataset.url, "--match", "*boom*", "--delimiter", "::")
    assert code == 0 and err == ""
    assert "\x1b" not in out and "\x07" not in out
    assert redis_repr(HOSTILE) in out


@pytest.mark.parametrize("argv", [["--sample", "0"], ["--batch", "x"], ["--pause", "-1"], ["--type", "nope"],
                                  ["--delimiter", ""], ["--top", "-3"], ["--bogus"]])
def test_cli_bad_arguments_exit_2_with_one_line(argv, capsys):
    code, out, err = run_cli(capsys, "redis://127.0.0.1:1/0", *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_cli_unreachable_server_exits_2_with_one_line(capsys, monkeypatch):
    monkeypatch.setenv("REDISCLI_AUTH", "secret")
    code, out, err = run_cli(capsys, "redis://127.0.0.1:1/0", "--json")
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [err.strip()] and "connection-refused" in err and "secret" not in err


async def test_read_only_script_runs_on_a_replica_and_for_a_read_only_user(server_factory):
    import asyncio

    primary = server_factory(config={"repl-diskless-sync-delay": "0"})
    admin = redis.Redis(port=primary.port)
    for i in range(300):
        admin.set(b"k:%d" % i, b"x" * i)
    admin.execute_command("ACL", "SETUSER", "viewer", "on", ">pw", "~*", "+@read", "+@connection",
                          "+eval_ro", "+evalsha_ro", "+info")
    replica = server_factory(config={"replicaof": f"127.0.0.1 {primary.port}"})
    follower = redis.Redis(port=replica.port)
    for _ in range(200):
        if follower.info("replication").get("master_link_status") == "up" and follower.dbsize() == 300:
            break
        await asyncio.sleep(0.05)
    for port, user in ((replica.port, None), (primary.port, "viewer")):
        client = make_client(Target(host="127.0.0.1", port=port, username=user, password="pw" if user else None))
        report = await Analyzer(client, AnalyzeOptions(batch=50)).run()
        assert report.method == "script" and report.keys_scanned == 300
        own = follower if port == replica.port else admin  # a replica's allocations differ a little
        assert report.total_bytes == sum(own.memory_usage(k) for k in own.scan_iter())
        await client.aclose()
    admin.close()
    follower.close()


async def test_stop_returns_a_partial_report_and_cancel_leaves_the_client_usable(dataset):
    import asyncio

    client = make_client(Target(**parse_url(dataset.url)))
    analyzer = Analyzer(client, AnalyzeOptions(batch=20))
    report = await analyzer.run(progress=lambda _progress: analyzer.stop(), every=0)
    assert not report.complete and 0 < report.keys_scanned < dataset.sync.dbsize()
    slow = asyncio.ensure_future(Analyzer(client, AnalyzeOptions(batch=20, pause=0.05)).run())
    await asyncio.sleep(0.2)
    slow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await slow
    assert await client.ping()
    again = await Analyzer(client, AnalyzeOptions(batch=500, parallel=2)).run()
    assert again.complete and again.keys_scanned == dataset.sync.dbsize()
    await client.aclose()


async def test_stop_cuts_a_pause_between_batches_short(dataset):
    import asyncio

    client = make_client(Target(**parse_url(dataset.url)))
    analyzer = Analyzer(client, AnalyzeOptions(batch=20, pause=30.0))
    run = asyncio.ensure_future(analyzer.run())
    while analyzer.keys_scanned == 0:
        await asyncio.sleep(0.01)
    analyzer.stop()  # the run is in its 30 s pause: it ends now, not after it
    report = await asyncio.wait_for(run, 10)
    assert not report.complete and 0 < report.keys_scanned < dataset.sync.dbsize()
    await client.aclose()


def own_slowlog(r: redis.Redis) -> list[dict]:
    """SLOWLOG entries of redis-tui's analyze scripts (the reply names the client, Redis 4+)."""
    return [e for e in r.slowlog_get(10_000) if e.get("client_name") in (b"redis-tui-analyze", "redis-tui-analyze")]


def findings(capsys, url: str) -> list[str]:
    cli.main(["doctor", url, "--json"])
    document = json.loads(capsys.readouterr().out)
    assert "error" not in document
    return [finding["id"] for finding in document["findings"]]


def test_analyze_stays_out_of_the_slow_log_and_out_of_doctor(server_factory, capsys):
    import asyncio

    server = server_factory(config={"slowlog-log-slower-than": "2000", "slowlog-max-len": "10000"})
    r = redis.Redis(port=server.port, client_name="redis-tui-test")  # its noise on a loaded machine is ignored too
    pipe = r.pipeline(transaction=False)
    for i in range(40_000):
        pipe.set(b"user:%d:%d" % (i % 100, i), b"v" * (i % 50))
    pipe.execute()
    r.slowlog_reset()
    calls_before = sum(v["calls"] for k, v in r.info("commandstats").items() if k.startswith("cmdstat_eval"))

    async def run() -> Analyzer:
        client = make_client(Target(**parse_url(server.url)), client_name="redis-tui-analyze")
        # asked for batches of 2,000 keys (~6 ms of server time each, 3x the threshold)
        analyzer = Analyzer(client, AnalyzeOptions(batch=2000))
        analyzer.result = await analyzer.run()
        await client.aclose()
        return analyzer

    analyzer = asyncio.run(run())
    report = analyzer.result
    assert report.complete and report.keys_scanned == 40_000
    calls = sum(v["calls"] for k, v in r.info("commandstats").items() if k.startswith("cmdstat_eval")) - calls_before
    logged = own_slowlog(r)
    # none by design; a few may come from the OS pausing the server mid-call on a loaded machine
    assert len(logged) <= max(2, calls // 50), (len(logged), calls, [e["duration"] for e in logged])
    assert analyzer.governor.threshold_us == 2000 and analyzer.governor.count < 2000
    ours = redis.Redis(port=server.port, client_name="redis-tui-analyze")
    ours.execute_command("DEBUG", "SLEEP", "0.005")  # the 13 ms script call, for certain
    assert "slow-commands" not in findings(capsys, server.url)
    # an app's slow command still is a finding
    app = redis.Redis(port=server.port, client_name="app")
    app.execute_command("DEBUG", "SLEEP", "0.005")
    assert "slow-commands" in findings(capsys, server.url)
    for c in (r, ours, app):
        c.close()
