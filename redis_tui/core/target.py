"""Where to connect: the `Target` value, URL parsing and password masking.

A target is everything needed to reach one server. It never prints its password:
`Target.display()` and `mask_url()` replace it with `***`, and `scrub()` removes a
password from any text (error messages quote URLs back at us).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_HOST = "localhost"
DEFAULT_PORT = 6379
MASK = "***"


class TargetError(ValueError):
    """A URL or connection option that cannot describe a server (the message says why)."""


@dataclass(frozen=True)
class TLS:
    """TLS material and policy for a `rediss://` or `--tls` connection."""

    cacert: str | None = None
    cert: str | None = None
    key: str | None = None
    insecure: bool = False


@dataclass(frozen=True)
class Target:
    """One server to talk to: TCP host/port or a unix socket, db, credentials, TLS, Sentinel."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    socket: str | None = None
    db: int = 0
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: bool = False
    tls_files: TLS = TLS()
    sentinel: tuple[tuple[str, int], ...] = ()
    master: str | None = None

    def __repr__(self) -> str:  # never leak the password through repr()/tracebacks
        return f"Target({self.display()!r})"

    __str__ = __repr__

    @property
    def secrets(self) -> tuple[str, ...]:
        """Strings that must never be shown (used by `scrub`)."""
        return (self.password,) if self.password else ()

    def display(self) -> str:
        """The target as a URL, with any password replaced by ``***``."""
        auth = ""
        if self.username or self.password:
            auth = f"{self.username or ''}{':' + MASK if self.password else ''}@"
        if self.sentinel:
            nodes = ",".join(f"{h}:{p}" for h, p in self.sentinel)
            scheme = "sentinels" if self.tls else "sentinel"
            return f"{scheme}://{auth}{nodes}/{self.master or '?'}/{self.db}"
        if self.socket:
            suffix = f"?db={self.db}" if self.db else ""
            return f"unix://{auth}{self.socket}{suffix}"
        scheme = "rediss" if self.tls else "redis"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{auth}{host}:{self.port}/{self.db}"

    @property
    def address(self) -> str:
        """Short form for hints and titles: ``host:port`` or the socket path."""
        if self.socket:
            return self.socket
        if self.sentinel:
            return f"sentinel {self.master}"
        return f"{self.host}:{self.port}"


def parse_url(url: str) -> dict[str, Any]:
    """Parse a redis://, rediss:// or unix:// URL into `Target` fields.

    Only the parts the URL states are returned. Raises `TargetError` with a message that
    names the problem (never the password).
    """
    text = url.strip()
    if not text:
        raise TargetError("empty URL")
    if "://" not in text:
        raise TargetError(f"not a URL: {mask_url(text)!r} (expected redis://host:port/db)")
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise TargetError(f"invalid URL {mask_url(text)!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("redis", "rediss", "unix", "valkey", "valkeys"):
        raise TargetError(
            f"unknown URL scheme {scheme + '://'!r} in {mask_url(text)!r}: use redis://, rediss:// or unix://"
        )
    out: dict[str, Any] = {}
    if parts.username:
        out["username"] = unquote(parts.username)
    if parts.password is not None:
        out["password"] = unquote(parts.password)
    # redis://:pw@host gives username "" - that means "default user", i.e. none
    if out.get("username") == "":
        del out["username"]
    query = parse_qs(parts.query)
    if scheme == "unix":
        path = unquote(parts.path)
        if not path:
            raise TargetError(f"unix URL without a socket path: {mask_url(text)!r}")
        out["socket"] = path
        out["tls"] = False
        db_text = query.get("db", [None])[0]
    else:
        out["tls"] = scheme in ("rediss", "valkeys")
        out["socket"] = None
        port_text = _port_text(parts.netloc)
        if port_text and not re.fullmatch(r"[+-]?\d+", port_text):
            raise TargetError(f"port must be a number, got {port_text!r} in {mask_url(text)!r}")
        try:
            port = parts.port
        except ValueError:
            raise TargetError(f"port out of range in {mask_url(text)!r} (1-65535)") from None
        if parts.hostname:
            out["host"] = parts.hostname
        if port is not None:
            if not 1 <= port <= 65535:
                raise TargetError(f"port out of range in {mask_url(text)!r} (1-65535)")
            out["port"] = port
        path = parts.path.strip("/")
        db_text = path or query.get("db", [None])[0]
    if db_text is not None:
        out["db"] = parse_db(db_text, where=mask_url(text))
    return out


def _port_text(netloc: str) -> str | None:
    """What follows the host's last ``:`` in ``[user[:pw]@]host[:port]`` (None without a port)."""
    hostport = netloc.rpartition("@")[2]
    if hostport.startswith("["):
        hostport = hostport.partition("]")[2]
    return hostport.rpartition(":")[2] if ":" in hostport else None


def parse_db(value: object, where: str = "") -> int:
    """A database number (0 or more), or `TargetError`."""
    try:
        db = int(str(value))
    except ValueError:
        raise TargetError(f"database must be a number, got {value!r}{' in ' + where if where else ''}") from None
    if db < 0:
        raise TargetError(f"database must be 0 or more, got {db}")
    return db


def parse_port(value: object) -> int:
    """A TCP port (1-65535), or `TargetError`."""
    try:
        port = int(str(value))
    except ValueError:
        raise TargetError(f"port must be a number, got {value!r}") from None
    if not 1 <= port <= 65535:
        raise TargetError(f"port out of range: {port} (1-65535)")
    return port


def parse_hostport(value: str, default_port: int = 26379) -> tuple[str, int]:
    """``host:port`` (or ``[v6]:port``, or a bare host) → (host, port)."""
    text = value.strip()
    match = re.fullmatch(r"\[([^\]]+)\](?::(\d+))?|([^:\[\]]+)(?::(\d+))?", text)
    if not match:
        raise TargetError(f"expected HOST:PORT, got {value!r}")
    host = match.group(1) or match.group(3)
    port = match.group(2) or match.group(4)
    return host, parse_port(port) if port else default_port


_URL_PASSWORD = re.compile(r"(?P<pre>\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)(?P<at>@)", re.I)


def mask_url(text: str) -> str:
    """Replace the password of any URL inside `text` with ``***``."""
    return _URL_PASSWORD.sub(lambda m: m["pre"] + MASK + m["at"], text)


def scrub(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` with URL passwords and each of `secrets` replaced by ``***``."""
    out = mask_url(text)
    for secret in secrets:
        if secret:
            out = out.replace(secret, MASK)
    return out
