"""The TOML config file: location, schema, and errors that name the file and line.

Layout (every key optional; config.example.toml documents them all)::

    url = "redis://localhost:6379/0"     # the default target and options, top level
    interval = 1.0
    [profiles.prod]                      # `--profile prod` picks one of these
    url = "rediss://redis.prod:6380/0"
    [thresholds] / [monitor] / [keyspace] / [cluster] / [alerts]  # feature sections: SECTIONS, from the options classes
    [fleet]                              # profiles = ["a", "b"]: watched together by default

Unknown keys and wrong types are errors: a typo must not silently do nothing.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import platformdirs

from redis_tui.core import options
from redis_tui.core.alerts import AlertOptions
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.fleet.options import FleetOptions
from redis_tui.core.insight.slowlog import SlowlogOptions
from redis_tui.core.keyspace.settings import KeyspaceSettings
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.options import FLAG, Key
from redis_tui.core.target import TargetError, parse_url
from redis_tui.core.topology.options import ClusterOptions


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and line."""


def _str_or_list(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


TARGET_KEYS: dict[str, Key] = {
    "url": options.text("a redis://, rediss:// or unix:// URL"),
    "host": options.text("a host name or address"),
    "port": options.whole("a port number 1-65535", at_least=1, at_most=65535),
    "socket": options.text("a unix socket path"),
    "db": options.whole("a database number (0 or more)", at_least=0),
    "user": options.text("an ACL user name"),
    "password": options.text("a string"),
    "tls": FLAG,
    "cacert": options.text("a file path"),
    "cert": options.text("a file path"),
    "key": options.text("a file path"),
    "insecure": FLAG,
    "sentinel": Key(_str_or_list, 'a "host:port" string or a list of them'),
    "master": options.text("a Sentinel master name"),
}

_SECONDS = options.number("seconds, a number above 0", above=0)
DASHBOARD_KEYS: dict[str, Key] = {
    "interval": _SECONDS,
    "client_list_interval": _SECONDS,
    "client_list_max_interval": _SECONDS,
    "config_interval": _SECONDS,
    "history": options.whole("a number of points, 10 or more", at_least=10),
    "write": FLAG,
}

# Feature sections ([name] tables): name → {key: Key}, declared by each options class.
SECTIONS: dict[str, dict[str, Key]] = {
    "thresholds": Thresholds.schema(),
    "monitor": MonitorOptions.schema(),
    "keyspace": KeyspaceSettings.schema(),
    "cluster": ClusterOptions.schema(),
    "fleet": FleetOptions.schema(),
    "slowlog": SlowlogOptions.schema(),
    "alerts": AlertOptions.schema(),
}

TOP_LEVEL = {**TARGET_KEYS, **DASHBOARD_KEYS}


@dataclass(frozen=True)
class ConfigFile:
    """A parsed, validated config file (or an empty one when there is none)."""

    path: Path | None = None
    top: Mapping[str, Any] = field(default_factory=dict)
    profiles: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def profile(self, name: str) -> Mapping[str, Any]:
        """The named profile, or `ConfigError` listing the ones that exist."""
        if name not in self.profiles:
            known = ", ".join(sorted(self.profiles)) or "none defined"
            where = str(self.path) if self.path else "no config file"
            raise ConfigError(f"{where}: no profile named {name!r} (profiles: {known})")
        return self.profiles[name]


def default_path() -> Path:
    """platformdirs' user config dir for redis-tui, + config.toml."""
    return platformdirs.user_config_path("redis-tui") / "config.toml"


def locate(explicit: str | None, env: Mapping[str, str]) -> tuple[Path, bool]:
    """(path, required): --config, else $REDIS_TUI_CONFIG (both must exist), else the default."""
    if explicit:
        return Path(explicit).expanduser(), True
    if env.get("REDIS_TUI_CONFIG"):
        return Path(env["REDIS_TUI_CONFIG"]).expanduser(), True
    return default_path(), False


def load(path: Path, required: bool) -> ConfigFile:
    """Read and validate `path`; a missing optional file is an empty config."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise ConfigError(f"{path}: config file not found") from None
        return ConfigFile()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from None
    return parse(text, path)


def parse(text: str, path: Path) -> ConfigFile:
    """Validate TOML `text` (from `path`, for messages) against the schema."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if match:
            message = message[: match.start()].strip()
            raise ConfigError(f"{path}:{match.group(1)}: TOML error: {message} (column {match.group(2)})") from None
        if "(at end of document)" in message:
            message = message.replace("(at end of document)", "at the end of the file").strip()
            raise ConfigError(f"{path}:{max(1, len(text.splitlines()))}: TOML error: {message}") from None
        raise ConfigError(f"{path}: TOML error: {message}") from None
    top: dict[str, Any] = {}
    profiles: dict[str, dict[str, Any]] = {}
    sections: dict[str, dict[str, Any]] = {}
    for name, value in data.items():
        if name == "profiles":
            if not isinstance(value, dict):
                _fail(text, path, [], name, "[profiles] must be a table of [profiles.NAME] tables")
            for profile, body in value.items():
                if not isinstance(body, dict):
                    _fail(text, path, ["profiles"], profile, "a profile must be a table: [profiles.NAME]")
                profiles[profile] = _checked(text, path, ["profiles", profile], body, TOP_LEVEL)
        elif name in SECTIONS:
            if not isinstance(value, dict):
                _fail(text, path, [], name, f"[{name}] must be a table")
            sections[name] = _checked(text, path, [name], value, SECTIONS[name])
        elif name in TOP_LEVEL:
            top.update(_checked(text, path, [], {name: value}, TOP_LEVEL))
        else:
            known_tables = ", ".join(f"[{s}]" for s in ["profiles", *SECTIONS])
            _fail(text, path, [], name,
                  f"unknown key {name!r} (top-level keys: {', '.join(TOP_LEVEL)}; tables: {known_tables})")
    _check_fleet(text, path, profiles, sections.get("fleet", {}))
    return ConfigFile(path=path, top=top, profiles=profiles, sections=sections)


def _check_fleet(text: str, path: Path, profiles: Mapping[str, Any], fleet: Mapping[str, Any]) -> None:
    """Every name in ``[fleet] profiles`` is a ``[profiles.NAME]`` of this file, once."""
    names = list(fleet.get("profiles", ()))
    for name in names:
        if name not in profiles:
            known = ", ".join(sorted(profiles)) or "none defined"
            _fail(text, path, ["fleet"], "profiles", f"[fleet] profiles: no profile named {name!r} (profiles: {known})")
        if names.count(name) > 1:
            _fail(text, path, ["fleet"], "profiles", f"[fleet] profiles: {name!r} is listed twice")


def _checked(text: str, path: Path, table: list[str], body: dict[str, Any], schema: dict[str, Key]) -> dict[str, Any]:
    for key, value in body.items():
        spec = schema.get(key)
        where = f"[{'.'.join(table)}] " if table else ""
        if spec is None:
            _fail(text, path, table, key,
                  f"unknown key {key!r} in {where or 'the top level '}(known: {', '.join(schema)})")
        if not spec.check(value):
            _fail(text, path, table, key, f"{where}{key} must be {spec.expected}, got {value!r}")
    return dict(body)


def _fail(text: str, path: Path, table: list[str], key: str, message: str) -> NoReturn:
    line = line_of(text, table, key)
    raise ConfigError(f"{path}:{line}: {message}" if line else f"{path}: {message}")


def line_of(text: str, table: list[str], key: str) -> int | None:
    """1-based line where `key` is set inside `[table]` (or where the table opens), best effort."""
    current: list[str] = []
    header = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+\s*(#.*)?$")
    for number, line in enumerate(text.splitlines(), 1):
        match = header.match(line)
        if match:
            current = [part.strip().strip('"\'') for part in match.group(1).split(".")]
            if current == [*table, key]:
                return number
            continue
        if current == table and re.match(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", line):
            return number
    return None


def check_permissions(path: Path | None, data: ConfigFile) -> str | None:
    """A warning when a config file holding a password can be read by others."""
    if path is None or not _has_password(data):
        return None
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if mode & 0o077:
        return f"{path} holds a password and is readable by others: chmod 600 {path}"
    return None


def _has_password(data: ConfigFile) -> bool:
    for body in [data.top, *data.profiles.values()]:
        if body.get("password"):
            return True
        try:
            if parse_url(body.get("url", "")).get("password"):
                return True
        except TargetError:
            pass
    return False
