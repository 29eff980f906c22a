"""Turn whatever went wrong while talking to a server into a `Problem` with a finding id.

redis-py maps server errors to exception classes only partly (BUSY and MISCONF are plain
`ResponseError`, LOADING is a `ConnectionError`, timeouts are not `ConnectionError`s), so
classification looks at the server's own words where the class is not enough.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import ssl
from dataclasses import replace

import redis.exceptions as rex

from redis_tui.core.connection import make_client
from redis_tui.core.models import Problem
from redis_tui.core.parse import text_of
from redis_tui.core.probe import port_open
from redis_tui.core.target import Target, scrub

# (finding id, words that identify it in an error message, lower-cased)
_BY_MESSAGE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("db-out-of-range", ("db index is out of range", "invalid db index")),
    ("auth-required", ("noauth",)),
    ("auth-failed", ("wrongpass", "invalid password", "invalid username-password", "without any password configured")),
    ("permission-denied", ("noperm",)),
    ("server-loading", ("loading",)),
    ("server-busy", ("busy ",)),
    ("max-clients", ("max number of clients",)),
    ("protected-mode", ("protected mode", "denied redis is running")),
    ("master-down", ("masterdown",)),
    ("rdb-save-failing", ("misconf",)),
    ("oom-rejecting-writes", ("oom command not allowed",)),
    ("command-unavailable", ("unknown command", "unknown subcommand")),
    ("host-unresolved", ("name or service not known", "nodename nor servname", "name resolution",
                         "no address associated", "getaddrinfo")),
    ("connection-refused", ("connection refused", "error 111 ", "errno 111", "error 61 ")),
    ("no-such-socket", ("no such file or directory",)),
    ("tls-error", ("ssl", "tls", "certificate", "wrong version number", "record layer")),
)

_SUMMARY = {
    "connection-refused": "connection refused: nothing is listening on {address}",
    "db-out-of-range": "database {db} does not exist on {address}",
    "no-such-socket": "no unix socket at {address}",
    "host-unresolved": "cannot resolve the host name {host!r}",
    "connection-timeout": "timed out connecting to {address}",
    "server-stalled": "connected to {address}, but the server did not reply in time",
    "tls-error": "TLS handshake with {address} failed",
    "auth-required": "the server requires a password (NOAUTH)",
    "auth-failed": "the server rejected the username or password",
    "permission-denied": "the user is not allowed to run a command redis-tui needs (NOPERM)",
    "server-loading": "the server is loading its dataset into memory (LOADING)",
    "server-busy": "the server is busy running a script (BUSY)",
    "max-clients": "the server refuses new clients: max number of clients reached",
    "protected-mode": "the server is in protected mode and refuses remote clients",
    "master-down": "the replica's link to its master is down (MASTERDOWN)",
    "rdb-save-failing": "the server refuses writes: its last background save failed (MISCONF)",
    "oom-rejecting-writes": "the server refuses writes: used memory is above maxmemory (OOM)",
    "command-unavailable": "the server does not offer a command redis-tui uses (renamed or disabled)",
    "tls-expected": "{address} hung up without a word: the port probably expects TLS (rediss://)",
    "tls-not-spoken": ("{address} accepts TCP but never answered the TLS handshake: "
                       "the port probably speaks plain Redis"),
    "connection-lost": "the connection to {address} was lost",
    "connection-error": "cannot talk to {address}",
}


def classify(exc: BaseException, target: Target, connected: bool = False) -> Problem:
    """Classify `exc`, raised while talking to `target`, into a `Problem`.

    `connected` says whether the connection had worked before (a dropped link is then
    "connection-lost" rather than a generic error).
    """
    detail = scrub(_describe(exc), target.secrets)
    lowered = f" {scrub(_chain_text(exc), target.secrets).lower()} "
    pid = _by_type(exc)
    if pid is None:
        pid = next((i for i, words in _BY_MESSAGE if any(w in lowered for w in words)), None)
    if pid is None and _hung_up(lowered) and not connected and not target.tls and not target.socket:
        pid = "tls-expected"
    if pid is None:
        lost = isinstance(exc, (rex.ConnectionError, ConnectionError, OSError, asyncio.IncompleteReadError))
        pid = "connection-lost" if connected and lost else "connection-error"
    return make_problem(pid, target, detail, lowered)


def make_problem(key: str, target: Target, detail: str = "", words: str = "") -> Problem:
    """The `Problem` for a classification key (a finding id or one of its special cases).

    `words`: the whole error chain's text when it says more than `detail` (it picks the cause).
    """
    summary = _SUMMARY[key].format(address=target.address, host=target.host, db=target.db)
    cause = key if key in _ALIASES else ""
    lowered = (words or detail).lower()
    if key == "tls-error" and ("certificate" in lowered or "hostname" in lowered):
        cause = "verify"
    elif key == "auth-failed" and "without any password configured" in lowered:
        cause = "no-password-set"
    return Problem(_ALIASES.get(key, key), summary, detail, cause=cause)


# summaries that are a special case of a public finding id
_ALIASES = {"no-such-socket": "connection-refused", "tls-expected": "tls-error", "tls-not-spoken": "tls-error"}


def _hung_up(lowered: str) -> bool:
    return any(w in lowered for w in ("connection reset by peer", "connection closed by server", "broken pipe"))


async def refine(problem: Problem, target: Target, timeout: float = 1.0) -> Problem:
    """Look closer where the first classification cannot tell causes apart.

    A TLS connection that times out may be a TLS handshake that a plain Redis port never
    answers: if a bare TCP connection to the same port succeeds, it is a `tls-error`. A
    database that does not exist: how many the server has (CONFIG GET databases on db 0).
    """
    if problem.id == "db-out-of-range":
        return await _count_databases(problem, target, timeout)
    if problem.id != "connection-timeout" or not target.tls or target.socket or target.sentinel:
        return problem
    if not await port_open(target, timeout):
        return problem
    return make_problem("tls-not-spoken", target, problem.detail)


def _by_type(exc: BaseException) -> str | None:
    if isinstance(exc, rex.AuthenticationError):
        return "auth-required" if "noauth" in str(exc).lower() or "required" in str(exc).lower() else "auth-failed"
    if isinstance(exc, rex.NoPermissionError):
        return "permission-denied"
    if isinstance(exc, rex.BusyLoadingError):
        return "server-loading"
    if isinstance(exc, rex.MasterDownError):
        return "master-down"
    if isinstance(exc, rex.OutOfMemoryError):  # redis-py strips the "OOM" from its message
        return "oom-rejecting-writes"
    if isinstance(exc, (ssl.SSLError, ssl.CertificateError)):
        return "tls-error"
    if isinstance(exc, socket.gaierror):
        return "host-unresolved"
    if isinstance(exc, ConnectionRefusedError):
        return "connection-refused"
    if isinstance(exc, (rex.TimeoutError, asyncio.TimeoutError, TimeoutError)):
        # redis-py says "Timeout connecting to server" before the link is up and
        # "Timeout reading from ..." after: only the second is a stalled server.
        return "connection-timeout" if "connecting" in str(exc).lower() else "server-stalled"
    return None


async def _count_databases(problem: Problem, target: Target, timeout: float) -> Problem:
    client = make_client(replace(target, db=0), connect_timeout=timeout, reply_timeout=timeout,
                         client_name="redis-tui-doctor")
    try:
        reply = await client.config_get("databases")
        if not isinstance(reply, dict):  # RESP2 without redis-py's callbacks: [name, value]
            reply = dict(zip(reply[::2], reply[1::2], strict=False))
        count = int({text_of(k): text_of(v) for k, v in reply.items()}["databases"])
    except Exception:  # noqa: BLE001 - CONFIG may be denied or renamed: the finding stays without the count
        return problem
    finally:
        await client.aclose()
    detail = f"{problem.detail}: the server has {count} databases (0 to {count - 1})"
    return replace(problem, detail=detail, evidence=(("databases", count), ("db", target.db)))


_SSL_NOISE = re.compile(r"^\[SSL: [A-Z_]+\] |\s*\(_ssl\.c:\d+\)$")
_READING = re.compile(r"^Error while reading from (?P<address>\S+) : \((?P<errno>\d+), '(?P<words>[^']+)'\)$")
_CONNECTING = re.compile(r"^Error -?\d+ connecting to (?P<address>\S+?)\.(?:\s|$)")


def _describe(exc: BaseException) -> str:
    """One plain sentence for `exc`: its own message, without the chain of internal causes.

    redis-py's "Error 111 connecting to h:p. Connect call failed (…)" becomes
    "Connecting to h:p failed: Connection refused (errno 111)".
    """
    chain = _chain(exc)
    messages = [m for m in (" ".join(str(e).split()) for e in chain) if m and m not in _CLASS_NAMES]
    if not messages:
        return type(exc).__name__
    first = messages[0]
    connecting = _CONNECTING.match(first)
    reason = next((e for e in chain if isinstance(e, OSError) and e.errno is not None), None)
    if connecting and isinstance(reason, ssl.SSLError):
        words = _SSL_NOISE.sub("", reason.strerror or str(reason))
        return f"Connecting to {connecting['address']} failed: TLS: {words}"
    if connecting and reason is not None:
        resolved = reason.strerror if isinstance(reason, socket.gaierror) else None
        words = resolved or os.strerror(reason.errno or 0)
        return f"Connecting to {connecting['address']} failed: {words} (errno {reason.errno})"
    reading = _READING.match(first)
    if reading:
        return f"Reading from {reading['address']} failed: {reading['words']} (errno {reading['errno']})"
    return first


_CLASS_NAMES = {"TimeoutError", "CancelledError", "ConnectionError", "OSError"}


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in out):
        out.append(current)
        current = current.__cause__ or current.__context__
    return out


def _chain_text(exc: BaseException) -> str:
    """The messages of `exc` and its causes, on one line (what classification reads)."""
    return " ".join(" — ".join(str(e).strip() or type(e).__name__ for e in _chain(exc)).split())
