"""The MONITOR connection: a plain asyncio stream, no client library in the read path.

redis-py's Monitor joins the arguments of each line (losing their boundaries) and reads
line by line; this connection hands raw bytes to our own fast loop instead. It handles
AUTH (with an ACL user), TLS, unix sockets and Sentinel, and has no read timeout: a quiet
server is not a dead one (a dead one shows as EOF or a reset, or through the guard).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from dataclasses import dataclass

import redis.exceptions as rex

from redis_tui.core.connection import client_options, sentinel_kwargs
from redis_tui.core.errors import classify
from redis_tui.core.models import Problem
from redis_tui.core.target import Target

MONITOR_CLIENT_NAME = "redis-tui-monitor"
RETRYABLE = ("server-loading", "server-busy", "master-down")  # answers that pass by themselves
STREAM_LIMIT = 4 * 1024 * 1024  # bytes asyncio may buffer before it pauses reading the socket


class MonitorRefused(Exception):
    """The server answered with an error that retrying will not fix (auth, NOPERM, MONITOR refused)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.summary)
        self.problem = problem


@dataclass
class MonitorConnection:
    """An open connection in MONITOR mode; `client_id` is None when CLIENT ID was refused."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    client_id: int | None

    def close(self) -> None:
        """Close the socket (the server then drops the client and its output buffer)."""
        with contextlib.suppress(Exception):  # already gone
            self.writer.transport.abort()


def encode_command(*args: bytes | str | int) -> bytes:
    """One command in RESP (an array of bulk strings)."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def ssl_context(target: Target) -> ssl.SSLContext:
    """The TLS context for `target` (CA file, client certificate, --insecure)."""
    files = target.tls_files
    context = ssl.create_default_context(cafile=files.cacert)
    if files.cert:
        context.load_cert_chain(files.cert, files.key)
    if files.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


async def resolve_address(target: Target, timeout: float) -> tuple[str, int]:
    """(host, port) of the server: asks Sentinel for the master when the target names one."""
    if not target.sentinel:
        return target.host, target.port
    from redis.asyncio.sentinel import Sentinel

    options = client_options(target, connect_timeout=timeout, reply_timeout=timeout)
    sentinel = Sentinel(list(target.sentinel), sentinel_kwargs=sentinel_kwargs(options))
    try:
        address: tuple[str, int] = await sentinel.discover_master(target.master or "mymaster")
        return address
    finally:
        for node in sentinel.sentinels:
            await node.aclose()


async def open_monitor(target: Target, *, connect_timeout: float = 3.0) -> MonitorConnection:
    """Connect, authenticate, name the connection, send MONITOR and wait for its ``+OK``.

    Raises `MonitorRefused` for answers that retrying will not change, and the connection's
    own exceptions (OSError, TimeoutError, ssl.SSLError...) when the server cannot be reached.
    """
    async with asyncio.timeout(connect_timeout):
        if target.socket:
            reader, writer = await asyncio.open_unix_connection(target.socket, limit=STREAM_LIMIT)
        else:
            host, port = await resolve_address(target, connect_timeout)
            context = ssl_context(target) if target.tls else None
            reader, writer = await asyncio.open_connection(
                host, port, ssl=context, server_hostname=host if context else None, limit=STREAM_LIMIT
            )
    conn = MonitorConnection(reader, writer, None)
    try:
        _keepalive(writer)
        async with asyncio.timeout(connect_timeout):
            conn.client_id = await _handshake(target, reader, writer)
    except BaseException:
        conn.close()
        raise
    return conn


async def _handshake(target: Target, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> int | None:
    commands: list[tuple[str, ...]] = []
    if target.password is not None:
        auth = ("AUTH", target.username, target.password) if target.username else ("AUTH", target.password)
        commands.append(auth)
    commands += [("CLIENT", "SETNAME", MONITOR_CLIENT_NAME), ("CLIENT", "ID"), ("MONITOR",)]
    writer.write(b"".join(encode_command(*c) for c in commands))
    await writer.drain()
    replies = [await _read_reply(reader) for _ in commands]
    if target.password is not None and replies[0].startswith(b"-"):
        raise MonitorRefused(classify(_server_error(replies[0]), target, connected=True))
    monitor = replies[-1]
    if monitor.startswith(b"-"):
        error = _server_error(monitor)
        problem = monitor_problem(error, target)
        if problem.id in RETRYABLE:
            raise error
        raise MonitorRefused(problem)
    if not monitor.startswith(b"+"):
        raise ConnectionError(f"unexpected reply to MONITOR: {monitor[:80]!r}")
    client_id = replies[-2]
    return int(client_id[1:]) if client_id[:1] == b":" and client_id[1:].isdigit() else None


async def _read_reply(reader: asyncio.StreamReader) -> bytes:
    line = await reader.readline()
    if not line.endswith(b"\n"):
        raise ConnectionError("the server closed the connection during the handshake")
    return line.rstrip(b"\r\n")


def _server_error(reply: bytes) -> rex.RedisError:  # AuthenticationError is not a ResponseError
    text = reply[1:].decode("utf-8", "replace")
    if text.startswith("NOPERM"):
        return rex.NoPermissionError(text)
    if text.startswith(("NOAUTH", "WRONGPASS")) or "invalid password" in text:
        return rex.AuthenticationError(text)
    if text.startswith("LOADING"):
        return rex.BusyLoadingError(text)
    return rex.ResponseError(text)


def monitor_problem(exc: rex.RedisError, target: Target) -> Problem:
    """The problem for an error answer to MONITOR (NOPERM names the ACL rule that fixes it)."""
    problem = classify(exc, target, connected=True)
    if problem.id == "permission-denied":
        user = target.username or "default"
        return Problem(
            "permission-denied",
            f"user {user!r} may not run MONITOR (NOPERM): an admin can allow it with "
            f"ACL SETUSER {user} +monitor",
            problem.detail,
        )
    if problem.id in ("auth-required", "auth-failed", *RETRYABLE):
        return problem
    return Problem("monitor-refused", f"the server refused MONITOR: {problem.detail}", problem.detail)


def _keepalive(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
