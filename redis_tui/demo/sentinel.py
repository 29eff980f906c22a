"""A throwaway Sentinel group: a master, its replicas and the Sentinels that watch it, on free ports.

Every member is an `EmbeddedServer` (the Sentinels run ``redis-server <conf> --sentinel``, or
valkey-server). The Sentinels' config files already name each other and the replicas
(``sentinel myid`` / ``known-sentinel`` / ``known-replica``), so the group is whole as soon as the
processes answer, with no wait for hello messages. Small ``down-after-milliseconds`` and
``failover-timeout`` make a failover take a few seconds.

    with SentinelGroup("redis").start() as group:
        group.failover(); group.wait_master(group.addr(group.replicas[0]) …)
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import redis

from redis_tui.demo.cluster import command
from redis_tui.demo.server import EmbeddedServer, ServerError, free_port, wait_for

MASTER_NAME = "mymaster"


def _fields(reply: object) -> dict[str, str]:
    """A Sentinel's flat [name, value, …] reply (or redis-py's dict of it) as a dict."""
    if isinstance(reply, dict):
        return {str(k): str(v) for k, v in reply.items()}
    items = list(reply) if isinstance(reply, list) else []
    return {str(k): str(v) for k, v in zip(items[::2], items[1::2], strict=False)}


class SentinelError(ServerError):
    """The group could not be built, or did not reach the state waited for in time."""


class SentinelServer(EmbeddedServer):
    """One Sentinel process: ``<binary> <conf> --sentinel`` with the group's ``sentinel …`` lines."""

    ARGS = ("--sentinel",)

    def __init__(self, kind: str | None, lines: list[str], port: int) -> None:
        super().__init__(kind, port=port)
        self.lines = lines

    def config_text(self) -> str:
        """The server lines (port, dir, log) and the Sentinel's own; on a restart, the file as the Sentinel
        rewrote it (it keeps what it learned, as a real Sentinel does)."""
        written = self.dir / "server.conf"
        if written.exists():
            return written.read_text()
        return super().config_text() + "".join(f"{line}\n" for line in self.lines)


class SentinelGroup:
    """A master, `replicas` replicas and `sentinels` Sentinels in temporary directories; `close()` removes them."""

    def __init__(
        self,
        kind: str | None = None,
        replicas: int = 2,
        sentinels: int = 3,
        quorum: int | None = None,
        name: str = MASTER_NAME,
        down_after_ms: int = 1000,
        failover_timeout_ms: int = 3000,
        config: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        data_config = {"repl-diskless-sync-delay": "0", "enable-debug-command": "local", **(config or {})}
        self.master = EmbeddedServer(kind, data_config)
        self.kind = self.master.kind
        self.data = [self.master]
        for _ in range(replicas):
            self.data.append(EmbeddedServer(self.kind, {**data_config, "replicaof": f"127.0.0.1 {self.master.port}"}))
        ports = [free_port() for _ in range(sentinels)]
        ids = [secrets.token_hex(20) for _ in range(sentinels)]
        self.quorum = quorum or sentinels // 2 + 1
        self.sentinels: list[EmbeddedServer] = []
        for i, port in enumerate(ports):
            lines = [f"sentinel myid {ids[i]}",
                     f"sentinel monitor {name} 127.0.0.1 {self.master.port} {self.quorum}",
                     f"sentinel down-after-milliseconds {name} {down_after_ms}",
                     f"sentinel failover-timeout {name} {failover_timeout_ms}"]
            lines += [f"sentinel known-sentinel {name} 127.0.0.1 {ports[j]} {ids[j]}"
                      for j in range(sentinels) if j != i]
            lines += [f"sentinel known-replica {name} 127.0.0.1 {r.port}" for r in self.data[1:]]
            self.sentinels.append(SentinelServer(self.kind, lines, port))

    # --- building ------------------------------------------------------------------------
    def start(self, timeout: float = 20.0, linked: bool = False) -> SentinelGroup:
        """Start every member and wait until the Sentinels see the master and every replica (with `linked`, also
        until each has its link to every other Sentinel: about a second more, as a Sentinel started before its
        peers tries them again after its ping period); raises `SentinelError` (and cleans up)."""
        try:
            for server in [*self.data, *self.sentinels]:
                server.start()
            self.wait_healthy(timeout, linked)
        except Exception:
            self.close()
            raise
        return self

    def wait_healthy(self, timeout: float = 20.0, linked: bool = True) -> None:
        """Until every running Sentinel sees the master up with every replica and every other Sentinel (`linked`:
        and holds a link to each), and every replica's link is up."""
        self._wait(lambda: self._healthy(linked), time.monotonic() + timeout, "a whole Sentinel group")

    def _healthy(self, linked: bool = True) -> bool:
        master = self.master_addr_by_majority()
        if master is None:
            return False
        for sentinel in self.running(self.sentinels):
            state = self.sentinel_master(sentinel)
            if state.get("flags") != "master" or f"{state.get('ip')}:{state.get('port')}" != master:
                return False
            if int(state.get("num-slaves", 0)) < len(self.data) - 1 or \
                    int(state.get("num-other-sentinels", 0)) < len(self.sentinels) - 1:
                return False
            others = command(self.client(sentinel), "SENTINEL", "SENTINELS", self.name) if linked else []
            if any(_fields(other).get("flags") != "sentinel" for other in others):
                return False  # not yet linked to every other Sentinel (flags disconnected / s_down)
        for server in self.running(self.data):
            info = self.client(server).info("replication")
            if self.addr(server) != master and info.get("master_link_status") != "up":
                return False
        return True

    @staticmethod
    def _wait(predicate: Callable[[], bool], deadline: float, what: str) -> None:
        wait_for(predicate, deadline, what, SentinelError)

    # --- reading -------------------------------------------------------------------------
    @property
    def replicas(self) -> list[EmbeddedServer]:
        """The data servers started as replicas (a failover may have promoted one)."""
        return self.data[1:]

    @staticmethod
    def addr(server: EmbeddedServer) -> str:
        """``127.0.0.1:PORT``: how the Sentinels name the server."""
        return f"127.0.0.1:{server.port}"

    @property
    def sentinel_addrs(self) -> list[str]:
        """Every Sentinel's ``host:port``."""
        return [self.addr(s) for s in self.sentinels]

    @staticmethod
    def running(servers: list[EmbeddedServer]) -> list[EmbeddedServer]:
        """The servers whose process is alive and not stopped."""
        return [s for s in servers if s.process is not None and s.process.poll() is None and not s.frozen]

    @staticmethod
    def client(server: EmbeddedServer) -> redis.Redis:
        """A short-lived synchronous client (reply timeout 2 s), replies decoded."""
        return redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=2.0, socket_connect_timeout=2.0,
                           decode_responses=True)

    def sentinel_master(self, sentinel: EmbeddedServer) -> dict[str, str]:
        """SENTINEL MASTER <name> on one Sentinel, as a dict."""
        return _fields(command(self.client(sentinel), "SENTINEL", "MASTER", self.name))

    def master_addr(self, sentinel: EmbeddedServer) -> str | None:
        """SENTINEL GET-MASTER-ADDR-BY-NAME on one Sentinel (None when it does not answer)."""
        try:
            reply = command(self.client(sentinel), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", self.name)
        except (redis.RedisError, OSError):
            return None
        return f"{reply[0]}:{reply[1]}" if reply else None

    def master_addr_by_majority(self) -> str | None:
        """The master a majority of all the Sentinels name (None without a majority)."""
        seen: dict[str, int] = {}
        for sentinel in self.running(self.sentinels):
            addr = self.master_addr(sentinel)
            if addr:
                seen[addr] = seen.get(addr, 0) + 1
        best = max(seen, key=lambda a: seen[a], default=None)
        return best if best is not None and seen[best] > len(self.sentinels) // 2 else None

    def server_at(self, addr: str) -> EmbeddedServer:
        """The data server at ``host:port``."""
        return next(s for s in self.data if self.addr(s) == addr)

    def current_master(self) -> EmbeddedServer:
        """The data server the Sentinels' majority names master now."""
        addr = self.master_addr_by_majority()
        if addr is None:
            raise SentinelError("the Sentinels do not agree on a master")
        return self.server_at(addr)

    # --- breaking ------------------------------------------------------------------------
    def failover(self, via: EmbeddedServer | None = None) -> None:
        """SENTINEL FAILOVER <name> on one Sentinel (the first by default)."""
        command(self.client(via or self.sentinels[0]), "SENTINEL", "FAILOVER", self.name)

    def wait_master(self, predicate: Callable[[str], bool], timeout: float = 20.0) -> str:
        """Until a majority of the Sentinels name a master for which `predicate(addr)` holds, and its ROLE
        says master; returns that address."""
        found: list[str] = []

        def done() -> bool:
            addr = self.master_addr_by_majority()
            if addr is None or not predicate(addr):
                return False
            role = command(self.client(self.server_at(addr)), "ROLE")
            found[:] = [addr]
            return str(role[0]) == "master"

        self._wait(done, time.monotonic() + timeout, "a new master")
        return found[0]

    def stop(self, server: EmbeddedServer) -> None:
        """Stop one member (its directory stays, for `restart`)."""
        if server.frozen:
            server.thaw()
        server.stop()

    def restart(self, server: EmbeddedServer) -> None:
        """Start a stopped member again on its port and directory."""
        server.start()

    def close(self) -> None:
        """Stop every member (all at once: a Sentinel takes a moment to exit) and remove its directory."""
        servers = [*self.sentinels, *self.data]
        for server in servers:
            if server.frozen:
                server.thaw()
        with ThreadPoolExecutor(len(servers)) as pool:
            list(pool.map(lambda server: server.close(), servers))

    def __enter__(self) -> SentinelGroup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
