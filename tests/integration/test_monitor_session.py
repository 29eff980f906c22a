"""MonitorSession against real servers: exact arguments, filters, aggregates, guards, restarts."""

from __future__ import annotations

import asyncio
import time

import pytest
import redis.asyncio as aioredis

from redis_tui.core.monitor.commands import CommandTable
from redis_tui.core.monitor.conn import open_monitor
from redis_tui.core.monitor.filter import Filter, glob_regex
from redis_tui.core.monitor.lines import escape_arg
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.monitor.session import BACKOFF, MonitorEvent, MonitorSession
from redis_tui.core.target import Target

pytestmark = pytest.mark.integration

ODD_VALUES = [
    bytes(range(256)),
    b'quote " and backslash \\ and \\x41 literally',
    b"spaces  and\nnewlines\r\nand\ttabs",
    "unicode é 中文 \u202e bidi".encode(),
    b"\x1b[2J\x1b]8;;http://x\x07[red]boom[/]",
    b"",
    b"12345",
]


async def wait_until(check, timeout: float = 10.0, step: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        await asyncio.sleep(step)
    raise AssertionError(f"condition not met within {timeout} s")


class Running:
    """A session started in the background, its events recorded."""

    def __init__(self, target: Target, options: MonitorOptions = MonitorOptions(), spec: Filter = Filter(),
                 **session_options):
        self.events: list[MonitorEvent] = []
        self.session = MonitorSession(target, options, spec, on_event=self.events.append, **session_options)
        self.task: asyncio.Task | None = None

    async def __aenter__(self) -> Running:
        self.task = asyncio.create_task(self.session.run(retry_first=False))
        await wait_until(lambda: self.kinds() or self.task.done())
        return self

    async def __aexit__(self, *exc) -> None:
        self.session.stop()
        await asyncio.wait_for(self.task, 10)

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]

    async def lines(self, count: int, timeout: float = 10.0, last: bytes | None = None):
        """Lines taken from the view until `count` arrived (and one with command `last`)."""
        got = []

        def enough():
            got.extend(self.session.take().lines)
            return len(got) >= count and (last is None or any(line.args[0] == last for line in got))

        await wait_until(enough, timeout)
        return got


def tcp(server, **kwargs) -> aioredis.Redis:
    return aioredis.Redis(host="127.0.0.1", port=server.port, protocol=2, **kwargs)


async def test_arguments_arrive_exactly_over_unix_socket_with_acl_user(server_factory):
    server = server_factory(unix_socket=True)
    admin = tcp(server)
    await admin.execute_command("ACL", "SETUSER", "watcher", "on", ">s3cret", "~*", "+@all")
    target = Target(socket=server.socket_path, username="watcher", password="s3cret")
    async with Running(target) as run:
        assert run.kinds() == ["started"]
        for index, value in enumerate(ODD_VALUES):
            await admin.set(b"odd:%d:" % index + value, value)
        unix = aioredis.Redis(unix_socket_path=server.socket_path, protocol=2, db=3)
        await unix.get("from-unix")
        lines = await run.lines(len(ODD_VALUES) + 2, last=b"GET")
        await unix.aclose()
    sets = [line for line in lines if line.command == "SET"]
    assert [line.args for line in sets] == [
        (b"SET", b"odd:%d:" % i + v, v) for i, v in enumerate(ODD_VALUES)
    ]
    client = (await admin.execute_command("CLIENT", "INFO")).decode()
    address = client.split("addr=", 1)[1].split()[0]
    assert {line.client for line in sets} == {address}
    get = [line for line in lines if line.command == "GET"][0]
    assert get.client == f"unix:{server.socket_path}" and get.db == 3 and get.args == (b"GET", b"from-unix")
    assert all(abs(line.time - time.time()) < 60 for line in lines)
    await admin.aclose()


async def test_escaping_is_the_servers_own(server):
    """Our escape_arg writes exactly what the server writes (so the round-trip property holds)."""
    from redis_tui.core.monitor.feed import ViewBuffer

    raw: list[bytes] = []

    class Keep(ViewBuffer):
        def lines(self, lines):
            raw.extend(lines)

        def block(self, block, count):
            raw.extend(block.split(b"\r\n")[:-1])

    session = MonitorSession(Target(port=server.port), sink=Keep())
    task = asyncio.create_task(session.run())
    await wait_until(lambda: session.state == "running")
    client = tcp(server)
    for value in ODD_VALUES:
        await client.set(b"k", value)
    await wait_until(lambda: sum(b'] "SET" ' in line for line in raw) >= len(ODD_VALUES))
    session.stop()
    await task
    sets = [line for line in raw if b'] "SET" ' in line]
    assert len(sets) == len(ODD_VALUES)
    for line, value in zip(sets, ODD_VALUES, strict=True):
        assert line.endswith(b' "SET" "k" ' + escape_arg(value))
    await client.aclose()


async def test_filters_and_aggregates_match_the_servers_counts(server):
    client = tcp(server)
    spec = Filter.build(["set", "incr"], key="user:*", db=0)
    async with Running(Target(port=server.port), spec=spec) as run:
        await client.config_resetstat()
        for index in range(30):
            await client.set(f"user:{index}", "x")
            await client.get(f"user:{index}")
            await client.execute_command("INCR", "user:count")  # redis-py's incr() sends INCRBY
            await client.set(f"session:{index}", "y")
        await client.execute_command("SELECT", 2)  # the same connection now works in db 2
        await client.set("user:db2", "z")
        await wait_until(lambda: run.session.stats().seen >= 122)
        stats = run.session.stats()
        lines = run.session.take().lines
    info = await client.info("commandstats")
    assert info["cmdstat_set"]["calls"] == 61 and info["cmdstat_incr"]["calls"] == 30
    assert {line.command for line in lines} == {"SET", "INCR"}
    assert all(line.args[1].startswith(b"user:") and line.db == 0 for line in lines)
    assert len(lines) == stats.matched == 60
    assert {s.name: s.count for s in stats.commands} == {"SET": 30, "INCR": 30}
    assert [(s.name, s.count, s.share) for s in stats.prefixes] == [(b"user", 60, 1.0)]
    assert sum(stats.per_second) == 60 and len(stats.per_second) == 60
    assert len(stats.clients) == 1
    await client.aclose()


async def test_own_guard_traffic_is_hidden_and_buffer_is_watched(server):
    options = MonitorOptions(guard_interval_s=0.05)
    async with Running(Target(port=server.port), options) as run:
        await wait_until(lambda: run.session.last_omem is not None)
        client = tcp(server)
        await client.set("k", "v")
        lines = await run.lines(1, last=b"SET")
        await asyncio.sleep(0.3)
        lines += run.session.take().lines
        guard = [line for line in lines if line.client in run.session.feed.matcher.filter.exclude_clients]
        assert guard == [] and run.session.feed.matcher.filter.exclude_clients  # the guard is left out
        assert run.session.peak_omem < 1024 * 1024
        address = (await client.execute_command("CLIENT", "INFO")).decode().split("addr=", 1)[1].split()[0]
        run.session.hide_clients({address})
        await client.set("hidden", "v")
        other = tcp(server)
        await other.set("shown", "v")
        lines = await run.lines(1, last=b"SET")
        assert [line.args[1] for line in lines if line.command == "SET"] == [b"shown"]
        await client.aclose()
        await other.aclose()


async def test_command_table_agrees_with_command_getkeys(server):
    client = tcp(server)
    client.set_response_callback("COMMAND", lambda response, **_: response)
    table = CommandTable.from_reply(await client.execute_command("COMMAND"))
    samples = [
        [b"SET", b"k1", b"v"], [b"GET", b"k1"], [b"MSET", b"a", b"1", b"b", b"2"],
        [b"EVAL", b"return 1", b"2", b"k1", b"k2"],
        [b"EVALSHA", b"x" * 40, b"1", b"kk"], [b"XREAD", b"COUNT", b"2", b"STREAMS", b"s1", b"s2", b"0", b"0"],
        [b"ZUNION", b"2", b"z1", b"z2"], [b"BLMPOP", b"0", b"1", b"l1", b"LEFT"], [b"LMPOP", b"1", b"l1", b"LEFT"],
        [b"OBJECT", b"ENCODING", b"k1"], [b"MEMORY", b"USAGE", b"k1"], [b"BITOP", b"AND", b"d", b"s1"],
        [b"XINFO", b"STREAM", b"s1"], [b"SORT", b"l1"], [b"RENAME", b"a", b"b"], [b"SINTERCARD", b"1", b"s1"],
    ]
    for args in samples:
        keys = await client.execute_command("COMMAND", "GETKEYS", *args)
        assert table.first_key(args) == (keys[0] if keys else None), args
    for args in ([b"PING"], [b"CONFIG", b"GET", b"maxmemory"], [b"CLIENT", b"LIST"], [b"INFO"]):
        assert table.first_key(args) is None
    assert table.lookup(b"config", b"get").label == "CONFIG GET"
    assert table.lookup(b"hset").family == "hash"
    await client.aclose()


async def test_glob_matches_like_scan_match(server):
    client = tcp(server)
    keys = [b"user:1", b"user:22", b"User:3", b"hello", b"hallo", b"hxllo", b"a*b", b"axb", b"[x]", b"\xff:bin",
            b"a\\b"]
    for key in keys:
        await client.set(key, 1)
    patterns = [b"user:*", b"h?llo", b"h[ae]llo", b"h[^e]llo", b"h[a-f]llo", b"a\\*b", b"*:*", b"\\[x\\]", b"\xff*",
                b"[U]ser:*", b"a\\\\b", b"*"]
    for pattern in patterns:
        cursor, found = 0, set()
        while True:
            cursor, batch = await client.scan(cursor, match=pattern, count=1000)
            found.update(batch)
            if cursor == 0:
                break
        regex = glob_regex(pattern)
        assert {k for k in keys if regex.fullmatch(k)} == found, pattern
    await client.aclose()


async def test_stops_and_resumes_when_the_server_restarts(server):
    options = MonitorOptions(guard_interval_s=0.1)
    async with Running(Target(port=server.port), options) as run:
        server.stop()
        await wait_until(lambda: "lost" in run.kinds())
        assert run.session.state in ("lost", "connecting")
        server.start()
        await wait_until(lambda: "resumed" in run.kinds(), timeout=15)
        client = tcp(server)
        await client.set("after", "restart")
        lines = await run.lines(1, last=b"SET")
        assert [line.args for line in lines if line.command == "SET"] == [(b"SET", b"after", b"restart")]
        await client.aclose()
    assert run.kinds()[0] == "started" and run.kinds()[-1] == "stopped"
    assert run.events[-1].reason == "user"
    lost = [e for e in run.events if e.kind == "lost"][0]
    assert lost.retry_in == BACKOFF[0] and lost.reason == lost.problem.id == "connection-lost"
    assert lost.message == f"the connection to localhost:{server.port} was lost; retrying in {BACKOFF[0]:g} s"


async def test_an_idle_server_does_not_end_monitor(server):
    async with Running(Target(port=server.port)) as run:
        await asyncio.sleep(6.5)  # redis-py's default socket timeout is 5 s
        assert run.kinds() == ["started"] and run.session.state == "running"
        client = tcp(server)
        await client.get("still-there")
        lines = await run.lines(1, last=b"GET")
        assert [line.args for line in lines if line.command == "GET"] == [(b"GET", b"still-there")]
        await client.aclose()


async def test_output_buffer_guard_stops_a_slow_reader(server):
    async def stalled(target, **kwargs):
        """A MONITOR connection that reads nothing after its +OK: the slowest reader there is."""
        conn = await open_monitor(target, **kwargs)
        conn.writer.transport.pause_reading()  # the StreamReader never resumes what it did not pause
        return conn

    options = MonitorOptions(max_buffer_mb=0.25, guard_interval_s=0.05)
    client = tcp(server)
    async with Running(Target(port=server.port), options, connect=stalled) as run:
        value = b"x" * 500_000
        for _ in range(400):  # until the kernel's socket buffers (up to 32+4 MB here) are full
            await client.set("big", value)
            if run.task.done():
                break
        event = await asyncio.wait_for(run.task, 10)
    assert event.kind == "stopped" and event.reason == "output-buffer"
    assert "output buffer" in event.message and "max_buffer_mb" in event.message
    assert run.session.peak_omem > 0.25 * 1024 * 1024
    for _ in range(100):  # the server drops the client (and its buffer) once it sees the close
        listing = (await client.execute_command("CLIENT", "LIST")).decode()
        monitors = [row for row in listing.splitlines() if " flags=O " in row]
        if not monitors:
            break
        await asyncio.sleep(0.05)
    assert monitors == []
    await client.aclose()


async def test_maximum_duration_stops_it(server):
    started = time.monotonic()
    async with Running(Target(port=server.port), MonitorOptions(max_duration_s=1)) as run:
        event = await asyncio.wait_for(run.task, 10)
    assert 0.9 <= time.monotonic() - started < 5
    assert event.reason == "max-duration" and "maximum duration" in event.message


async def test_noperm_says_which_acl_rule_fixes_it(server):
    admin = tcp(server)
    await admin.execute_command("ACL", "SETUSER", "u", "on", ">pw", "~*", "+@all", "-monitor")
    async with Running(Target(port=server.port, username="u", password="pw")) as run:
        event = await asyncio.wait_for(run.task, 10)
    assert event.kind == "stopped" and event.reason == "permission-denied"
    assert "NOPERM" in event.message and "ACL SETUSER u +monitor" in event.message
    assert "pw" not in event.message
    await admin.aclose()


async def test_refusals_and_failures_say_what_happened(server_factory):
    renamed = server_factory(config={"rename-command": "MONITOR \"\"", "requirepass": "pw"})
    async with Running(Target(port=renamed.port, password="pw")) as run:
        event = await asyncio.wait_for(run.task, 10)
    assert event.reason == "monitor-refused" and "unknown command" in event.message.lower()
    async with Running(Target(port=renamed.port)) as run:
        event = await asyncio.wait_for(run.task, 10)
    assert event.reason == "auth-required"
    async with Running(Target(port=renamed.port, password="wrong")) as run:
        event = await asyncio.wait_for(run.task, 10)
    assert event.reason == "auth-failed" and "wrong" not in event.message
    port = renamed.port
    renamed.stop()
    async with Running(Target(port=port)) as run:
        event = await asyncio.wait_for(run.task, 10)
    assert event.reason == "connection-refused"


def make_certs(folder) -> dict[str, str]:
    """A throwaway CA and a server certificate for 127.0.0.1/localhost (openssl CLI)."""
    import subprocess

    def run(*args):
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1",
        "-subj", "/CN=redis-tui test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    (folder / "ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.crt", "-days", "1", "-extfile", "ext")
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.crt", "-days", "1",
        "-subj", "/CN=someone else")
    return {name: str(folder / name) for name in ("ca.crt", "server.crt", "server.key", "other.crt")}


async def test_tls(server_factory, tmp_path):
    import shutil

    from redis_tui.core.target import TLS
    from redis_tui.demo.server import ServerError, free_port

    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    files = make_certs(tmp_path)
    tls_port = free_port()
    try:
        server_factory(config={"tls-port": str(tls_port), "tls-cert-file": files["server.crt"],
                               "tls-key-file": files["server.key"], "tls-ca-cert-file": files["ca.crt"],
                               "tls-auth-clients": "no"})
    except ServerError as exc:
        pytest.skip(f"this server has no TLS: {exc}")
    client = aioredis.Redis(host="localhost", port=tls_port, protocol=2, ssl=True, ssl_ca_certs=files["ca.crt"])
    target = Target(host="localhost", port=tls_port, tls=True, tls_files=TLS(cacert=files["ca.crt"]))
    async with Running(target) as run:
        assert run.kinds() == ["started"]
        await client.set("over", "tls")
        lines = await run.lines(1, last=b"SET")
        assert [line.args for line in lines if line.command == "SET"] == [(b"SET", b"over", b"tls")]
    wrong_ca = Target(host="localhost", port=tls_port, tls=True, tls_files=TLS(cacert=files["other.crt"]))
    async with Running(wrong_ca) as run:
        event = await asyncio.wait_for(run.task, 10)
    assert event.reason == "tls-error"
    insecure = Target(host="localhost", port=tls_port, tls=True,
                      tls_files=TLS(cacert=files["other.crt"], insecure=True))
    async with Running(insecure) as run:
        assert run.kinds() == ["started"]
    await client.aclose()


async def test_through_sentinel(server, tmp_path):
    import subprocess

    from redis_tui.demo.server import free_port

    port = free_port()
    conf = tmp_path / "sentinel.conf"
    conf.write_text(f"port {port}\nbind 127.0.0.1\ndir {tmp_path}\n"
                    f"sentinel monitor mymaster 127.0.0.1 {server.port} 1\n")
    sentinel = subprocess.Popen([str(server.binary), str(conf), "--sentinel"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        probe = aioredis.Redis(port=port, protocol=2)
        for _ in range(200):
            try:
                if await probe.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"):
                    break
            except Exception:  # noqa: BLE001 - not up yet
                pass
            await asyncio.sleep(0.05)
        await probe.aclose()
        target = Target(sentinel=(("127.0.0.1", port),), master="mymaster")
        async with Running(target) as run:
            assert run.kinds() == ["started"], run.events
            client = tcp(server)
            await client.set("via", "sentinel")
            lines = await run.lines(1, last=b"SET")
            assert (b"SET", b"via", b"sentinel") in [line.args for line in lines]
            await client.aclose()
    finally:
        sentinel.terminate()
        sentinel.wait(5)


async def test_without_client_permissions_it_runs_and_warns(server):
    admin = tcp(server)
    await admin.execute_command("ACL", "SETUSER", "noclient", "on", ">pw", "~*", "+@all", "-client")
    async with Running(Target(port=server.port, username="noclient", password="pw"),
                       MonitorOptions(guard_interval_s=0.05)) as run:
        await wait_until(lambda: "warning" in run.kinds())
        assert "cannot watch the MONITOR output buffer" in run.events[-1].message
        await admin.hset("h", "f", "v")
        lines = await run.lines(1, last=b"HSET")
        hset = [line for line in lines if line.command == "HSET"][0]
        assert run.session.command_spec(hset).family == "hash"  # the server's COMMAND table was read
        assert run.session.state == "running"
    await admin.aclose()


async def test_a_huge_command_is_cut_and_the_stream_goes_on(server):
    client = tcp(server)
    async with Running(Target(port=server.port), MonitorOptions(max_line_kb=64)) as run:
        await client.set("huge", b"\x00" * 3_000_000)  # a 12 MB MONITOR line
        await client.set("after", "small")
        got = []

        def both():
            got.extend(line for line in run.session.take().lines if line.command == "SET")
            return len(got) >= 2

        await wait_until(both)
    assert got[0].args == (b"SET", b"huge") and got[0].truncated
    assert got[1].args == (b"SET", b"after", b"small") and not got[1].truncated
    await client.aclose()
