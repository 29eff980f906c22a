"""Command line + environment + config file → one frozen `Settings`.

Precedence, highest first (README "Where the target comes from"):

1. the command line (a URL, then -h/-p/-s/-n/--user/-a/--tls… on top of it);
2. the environment: ``REDIS_URL``, ``REDISCLI_AUTH`` (password), ``REDIS_TUI_INTERVAL``,
   ``REDIS_TUI_PROFILE``, ``REDIS_TUI_CONFIG``;
3. the chosen profile (``--profile`` / ``REDIS_TUI_PROFILE``) in the config file;
4. the config file's top-level keys;
5. ``redis://localhost:6379/0``.

A URL at any level names a new server: it replaces host, port, socket, db, user and
password from the levels below (so a profile's password never travels to another host),
while TLS files and the options above it stay. ``REDISCLI_AUTH`` is the password for
whatever target wins, unless that target's own level gave one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redis_tui import config_file
from redis_tui.config_file import ConfigError, ConfigFile
from redis_tui.core.fleet.members import Member, check_members, member_addr
from redis_tui.core.options import Key
from redis_tui.core.target import TLS, Target, TargetError, parse_db, parse_hostport, parse_port, parse_url

UNSAFE_PASSWORD_WARNING = (
    "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe."
)

# fields a URL replaces (the identity of the server)
IDENTITY = ("host", "port", "socket", "db", "username", "password", "tls")
BLANK_IDENTITY = {"host": "localhost", "port": 6379, "socket": None, "db": 0, "username": None,
                  "password": None, "tls": False}


@dataclass(frozen=True)
class Settings:
    """Everything the app and the headless commands need, resolved once."""

    target: Target = Target()
    interval: float = 1.0
    client_list_interval: float = 5.0
    client_list_max_interval: float = 60.0  # CLIENT LIST is sent more rarely when expensive, up to this
    config_interval: float = 30.0
    history: int = 300
    write: bool = False
    profile: str | None = None
    config_path: Path | None = None
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    fleet: tuple[Member, ...] = ()  # several targets (a fleet); `target` is then the first one's

    def section(self, name: str) -> Mapping[str, Any]:
        """A feature section of the config file ([thresholds], [monitor]…), {} when absent."""
        return self.sections.get(name, {})


def resolve(cli: Mapping[str, Any], env: Mapping[str, str], config: ConfigFile | None = None) -> Settings:
    """Combine the layers. `cli` holds parsed options (None/absent = not given).

    Raises `TargetError` or `ConfigError` with a message for the user.
    """
    config = config or ConfigFile()
    profile_name = cli.get("profile") or env.get("REDIS_TUI_PROFILE") or None
    profile = config.profile(profile_name) if profile_name else {}
    warnings: list[str] = []

    fields: dict[str, Any] = dict(BLANK_IDENTITY)
    extra: dict[str, Any] = {"cacert": None, "cert": None, "key": None, "insecure": False, "sentinel": (),
                             "master": None}
    origin: dict[str, str | None] = {"password": None}

    layers = [
        ("config", _from_file(config.top, f"{config.path}" if config.path else "config")),
        ("profile", _from_file(profile, f"profile {profile_name!r}")),
        ("env", {"url": env.get("REDIS_URL") or None}),
        ("cli", _from_cli(cli)),
    ]
    for name, layer in layers:
        _apply(fields, extra, layer, name, origin)

    cli_url = cli.get("url")
    if cli.get("password") is not None or (cli_url and parse_url(cli_url).get("password")):
        warnings.append(UNSAFE_PASSWORD_WARNING)
    # REDISCLI_AUTH: the password for the winning target unless its own level set one
    if env.get("REDISCLI_AUTH") and origin["password"] not in ("cli", "env"):
        fields["password"] = env["REDISCLI_AUTH"]

    options = {**config.top, **profile}
    interval = cli.get("interval")
    if interval is None and env.get("REDIS_TUI_INTERVAL"):
        interval = _env_value("REDIS_TUI_INTERVAL", env["REDIS_TUI_INTERVAL"], config_file.DASHBOARD_KEYS["interval"])
    if interval is None:
        interval = options.get("interval", 1.0)

    sentinel = extra["sentinel"]
    if sentinel and not extra["master"]:
        raise TargetError("--sentinel needs --master NAME (the name of the monitored master)")
    target = Target(
        host=fields["host"],
        port=fields["port"],
        socket=fields["socket"],
        db=fields["db"],
        username=fields["username"],
        password=fields["password"],
        tls=bool(fields["tls"]),
        tls_files=TLS(extra["cacert"], extra["cert"], extra["key"], bool(extra["insecure"])),
        sentinel=tuple(sentinel),
        master=extra["master"],
    )
    permissions = config_file.check_permissions(config.path, config)
    if permissions:
        warnings.append(permissions)
    return Settings(
        target=target,
        interval=float(interval),
        client_list_interval=float(options.get("client_list_interval", 5.0)),
        client_list_max_interval=float(options.get("client_list_max_interval", 60.0)),
        config_interval=float(options.get("config_interval", 30.0)),
        history=int(options.get("history", 300)),
        write=bool(cli.get("write") or options.get("write", False)),
        profile=profile_name,
        config_path=config.path,
        sections=config.sections,
        warnings=tuple(warnings),
    )


def _apply(fields: dict[str, Any], extra: dict[str, Any], layer: dict[str, Any], name: str,
           origin: dict[str, str | None]) -> None:
    url = layer.get("url")
    if url:
        parsed = parse_url(url)
        fields.update(BLANK_IDENTITY)
        fields.update(parsed)
        extra.update(sentinel=(), master=None)
        origin["password"] = name if parsed.get("password") is not None else None
    for key, value in layer.items():
        if key == "url" or value is None:
            continue
        if key in ("host", "port"):
            fields[key] = value
            fields["socket"] = None
        elif key in IDENTITY:
            fields[key] = value
            if key == "password":
                origin["password"] = name
        else:
            extra[key] = value


def _from_file(body: Mapping[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        if body.get("url"):
            parse_url(body["url"])  # fail early, naming the file
    except TargetError as exc:
        raise ConfigError(f"{where}: url: {exc}") from None
    for key in ("url", "host", "port", "socket", "db", "password", "tls", "cacert", "cert", "key", "insecure",
                "master"):
        if key in body:
            out[key] = body[key]
    if "user" in body:
        out["username"] = body["user"]
    if body.get("sentinel"):
        nodes = body["sentinel"] if isinstance(body["sentinel"], list) else str(body["sentinel"]).split(",")
        try:
            out["sentinel"] = tuple(parse_hostport(node) for node in nodes)
        except TargetError as exc:
            raise ConfigError(f"{where}: sentinel: {exc}") from None
    return out


def _from_cli(cli: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"url": cli.get("url")}
    if cli.get("host") is not None:
        out["host"] = cli["host"]
    if cli.get("port") is not None:
        out["port"] = parse_port(cli["port"])
    if cli.get("socket") is not None:
        out["socket"] = cli["socket"]
    if cli.get("db") is not None:
        out["db"] = parse_db(cli["db"])
    if cli.get("user") is not None:
        out["username"] = cli["user"]
    if cli.get("password") is not None:
        out["password"] = cli["password"]
    if cli.get("tls"):
        out["tls"] = True
    for key in ("cacert", "cert", "key", "master"):
        if cli.get(key) is not None:
            out[key] = cli[key]
    if cli.get("insecure"):
        out["insecure"] = True
    if cli.get("sentinel"):
        out["sentinel"] = tuple(parse_hostport(node) for node in cli["sentinel"])
    return out


def _env_value(name: str, text: str, key: Key) -> Any:
    try:
        return key.parse(text)
    except ValueError as exc:
        raise TargetError(f"{name}: {exc}") from None


# --- fleets: several targets at once ------------------------------------------------------------------------

ONE_SERVER_FLAGS = (("host", "-h/--host"), ("port", "-p/--port"), ("socket", "-s/--socket"),
                    ("sentinel", "--sentinel"))


def fleet_of(cli: Mapping[str, Any], env: Mapping[str, str],
             config: ConfigFile) -> tuple[list[str], list[str]] | None:
    """(profiles, URLs) of a fleet, or None for one target. A fleet is two or more URLs or ``--profile``s on
    the command line (each of them a member), else the config file's ``[fleet] profiles`` when nothing on the
    command line or in the environment names one server."""
    urls, profiles = list(cli.get("urls") or ()), list(cli.get("profiles") or ())
    if len(urls) >= 2 or len(profiles) >= 2:
        return profiles, urls
    names = config.sections.get("fleet", {}).get("profiles")
    one = (urls or profiles or env.get("REDIS_URL") or env.get("REDIS_TUI_PROFILE")
           or any(cli.get(key) for key, _ in ONE_SERVER_FLAGS))
    return (list(names), []) if names and not one else None


def resolve_fleet(cli: Mapping[str, Any], env: Mapping[str, str], config: ConfigFile,
                  profiles: Sequence[str], urls: Sequence[str]) -> Settings:
    """Settings for a fleet: each profile, then each URL, resolved as one target is (the connection options
    of the command line, ``REDISCLI_AUTH``, the config file's top level apply to each). The interval, write
    and history come from the command line, the environment and the top level (not from a profile).
    Raises `TargetError` for a bad URL (naming it, masked), a flag that names one server, a server twice."""
    for key, flag in ONE_SERVER_FLAGS:
        if cli.get(key):
            raise TargetError(f"{flag} names one server: give a fleet as several URLs or --profile NAMEs")
    env = {k: v for k, v in env.items() if k not in ("REDIS_URL", "REDIS_TUI_PROFILE")}
    members: list[Member] = []
    warnings: list[str] = []
    for name in profiles:
        one = resolve({**cli, "url": None, "profile": name}, env, config)
        members.append(Member(name, one.target))
        warnings += one.warnings
    for url in urls:
        one = resolve({**cli, "url": url, "profile": None}, env, config)
        members.append(Member(member_addr(one.target), one.target))
        warnings += one.warnings
    fleet = check_members(members)
    base = resolve({**cli, "url": None, "profile": None}, env, config)
    return dataclasses.replace(base, target=fleet[0].target, fleet=fleet,
                               warnings=tuple(dict.fromkeys([*base.warnings, *warnings])))
