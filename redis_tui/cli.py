"""Command line: ``redis-tui [URL] [options]`` and the headless commands.

Flags follow redis-cli (``-h`` is the host, ``--help`` is help). Bad arguments and bad
config files end with one line on stderr and exit code 2 (3 for ``doctor``, the
monitoring-plugin convention), never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from redis_tui import __version__, config_file
from redis_tui.config_file import ConfigError
from redis_tui.core.target import TargetError, scrub
from redis_tui.settings import Settings, fleet_of, resolve, resolve_fleet

# Headless commands: name → module. A command module has a docstring (its first line is the
# description in --help), add_arguments(parser), run(settings, args) -> exit code, and
# USAGE_EXIT (the exit code for bad arguments; 2 unless the command's contract says otherwise);
# FLEET, what it does with several targets (without it, several targets are refused); CONNECTS = False for a
# command that reads a file and no server (it gets no connection options and settings None).
COMMANDS: dict[str, str] = {}
RELATIVE_TIME = re.compile(r"-\d+(\.\d+)?[smhdw]")  # -2h, -15m: a time before the end of a recording
COMMANDS["doctor"] = "redis_tui.commands.doctor"
COMMANDS["monitor"] = "redis_tui.commands.monitor"
COMMANDS["analyze"] = "redis_tui.commands.analyze"
COMMANDS["record"] = "redis_tui.commands.record"
COMMANDS["export"] = "redis_tui.commands.export"


class UsageError(Exception):
    """Bad arguments (argparse would exit; we want our own exit codes)."""


class Parser(argparse.ArgumentParser):
    """ArgumentParser that raises UsageError instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def add_connection_options(parser: argparse.ArgumentParser, several: str = "") -> None:
    """The redis-cli connection flags, shared by every command; `several`: what several URLs do (none: one)."""
    parser.add_argument("url", nargs="*", metavar="URL",
                        help="redis://[[user]:password@]host[:port][/db], rediss://… (TLS) or unix:///path?db=N"
                        + (f"; several: {several}" if several else " (one server)"))
    group = parser.add_argument_group("connection (same letters as redis-cli)")
    group.add_argument("-u", "--url", dest="url_option", metavar="URL", help="server URL (same as the URL argument)")
    group.add_argument("-h", "--host", help="server host (default localhost)")
    group.add_argument("-p", "--port", help="server port (default 6379)")
    group.add_argument("-s", "--socket", metavar="PATH", help="unix socket path (overrides host and port)")
    group.add_argument("-a", "--pass", dest="password", metavar="PASSWORD",
                       help="password (unsafe: visible in ps and shell history; prefer REDISCLI_AUTH or --askpass)")
    group.add_argument("--askpass", action="store_true", help="prompt for the password on the terminal")
    group.add_argument("--user", help="ACL user name (Redis 6+)")
    group.add_argument("-n", "--db", help="database number (default 0)")
    group.add_argument("--tls", action="store_true", help="connect with TLS (same as rediss://)")
    group.add_argument("--cacert", metavar="FILE", help="CA certificate bundle to verify the server")
    group.add_argument("--cert", metavar="FILE", help="client certificate for TLS")
    group.add_argument("--key", metavar="FILE", help="private key of the client certificate")
    group.add_argument("--insecure", action="store_true", help="do not verify the server's TLS certificate")
    group.add_argument("--sentinel", action="append", metavar="HOST:PORT",
                       help="watch a Sentinel group through this Sentinel (repeatable; the others are found): its "
                       "master, replicas and Sentinels; needs --master. A target that is itself a Sentinel "
                       "(port 26379) is watched the same way")
    group.add_argument("--master", metavar="NAME", help="Sentinel master name (on a Sentinel's own port: which of "
                       "its masters; default the first)")
    group.add_argument("--profile", metavar="NAME", action="append",
                       help="use [profiles.NAME] from the config file (repeatable: a fleet of profiles; "
                       "[fleet] profiles in the config file is the default fleet)")
    group.add_argument("--config", metavar="PATH",
                       help=f"config file (default {config_file.default_path()}; env REDIS_TUI_CONFIG)")
    parser.add_argument("--help", action="help", help="show this help and exit")


def build_tui_parser() -> Parser:
    """The parser for the dashboard (no subcommand)."""
    from redis_tui.ui.app import RedisTuiApp
    from redis_tui.ui.help import cli_epilog  # the app's keys, from the screens' bindings

    commands = ", ".join(COMMANDS) or "none"
    parser = Parser(
        prog="redis-tui",
        add_help=False,
        description="htop for Redis and Valkey: a live dashboard of memory, clients, keyspace, "
        "throughput and cache hit ratio. Several URLs (or --profile A --profile B): a fleet, opened on an "
        "overview of every server.",
        epilog=f"headless commands: {commands} (redis-tui COMMAND --help). "
        "Environment: REDIS_URL, REDISCLI_AUTH, REDIS_TUI_PROFILE, REDIS_TUI_INTERVAL, REDIS_TUI_CONFIG.\n"
        + cli_epilog(RedisTuiApp),
    )
    add_connection_options(parser, "a fleet, opened on an overview of every server")
    parser.add_argument("--interval", type=config_file.DASHBOARD_KEYS["interval"].arg_type(), metavar="S",
                        help="seconds between polls (default 1)")
    parser.add_argument("--write", action="store_true",
                        help="allow commands that change data (off: the app is read-only)")
    parser.add_argument("--demo", action="store_true",
                        help="start a throwaway server with a realistic workload and watch it (needs no Redis; "
                        "with -c a small cluster)")
    from redis_tui.commands.cluster import add_cluster_arguments

    add_cluster_arguments(parser, "watch every node (the keys screen lists the keys of every primary)")
    parser.add_argument("--replicas", action="store_true",
                        help="on a cluster, the MONITOR screen watches the replicas too (R on it toggles this)")
    parser.add_argument("--replay", metavar="FILE", help="the dashboard on a recording made by `redis-tui record` "
                        "(space plays, . steps, ] [ a minute, } { an hour, > < events, j goes to a time)")
    parser.add_argument("--version", action="version", version=f"redis-tui {__version__}")
    return parser


def settings_from(args: argparse.Namespace, env: dict[str, str] | None = None) -> Settings:
    """Parsed arguments + environment + config file → Settings (raises ConfigError/TargetError)."""
    env = dict(os.environ if env is None else env)
    urls, profiles = list(args.url or ()), list(args.profile or ())
    if urls and args.url_option:
        raise TargetError("give the URL once: either as an argument or with -u/--url")
    urls = urls or ([args.url_option] if args.url_option else [])
    path, required = config_file.locate(args.config, env)
    config = config_file.load(path, required)
    cli: dict[str, Any] = dict(vars(args))
    cli.update(urls=urls, profiles=profiles, url=urls[0] if len(urls) == 1 else None,
               profile=profiles[0] if len(profiles) == 1 else None)
    if getattr(args, "askpass", False):
        cli["password"] = getpass.getpass("Password: ")
    fleet = fleet_of(cli, env, config)
    if fleet is not None:
        return resolve_fleet(cli, env, config, *fleet)
    return resolve(cli, env, config)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``redis-tui`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        return run_command(argv[0], argv[1:])
    parser = build_tui_parser()
    try:
        args = parser.parse_intermixed_args(argv)  # URLs may come before and after options
        if args.replay:
            from redis_tui.ui.run import run_replay

            return run_replay(args.replay)
        settings = None if args.demo else settings_from(args)
    except (UsageError, TargetError, ConfigError) as exc:
        return fail(f"redis-tui: {describe(exc, parser)}", 2)
    if settings is None:
        from redis_tui.demo.run import run_demo

        return run_demo(args)
    for warning in settings.warnings:
        print(warning, file=sys.stderr)
    if settings.fleet:
        if args.cluster:
            return fail("redis-tui: -c/--cluster watches one cluster: not with several targets", 2)
        from redis_tui.ui.run import run_fleet

        return run_fleet(settings)
    from redis_tui.ui.run import run_dashboard

    return run_dashboard(settings, insist=args.cluster, node_only=args.node_only, replicas=args.replicas)


def run_command(name: str, argv: list[str]) -> int:
    """Parse and run one headless command."""
    module = importlib.import_module(COMMANDS[name])
    usage_exit = getattr(module, "USAGE_EXIT", 2)
    description = (module.__doc__ or name).strip().splitlines()[0]
    parser = Parser(prog=f"redis-tui {name}", add_help=False, description=description)
    connects = getattr(module, "CONNECTS", True)  # False: a command on a file (export): no connection options
    if connects:
        add_connection_options(parser, getattr(module, "FLEET", ""))
    else:
        parser.add_argument("--help", action="help", help="show this help and exit")
    module.add_arguments(parser)
    # a relative time (--at -2h, --between -2h -1h) is a value, not an option: a leading space tells argparse
    argv = [f" {arg}" if RELATIVE_TIME.fullmatch(arg) else arg for arg in argv]
    try:
        args = parser.parse_intermixed_args(argv)
        if not connects:
            return int(module.run(None, args))
        settings = settings_from(args)
    except (UsageError, TargetError, ConfigError) as exc:
        return fail(f"redis-tui {name}: {describe(exc, parser)}", usage_exit)
    except KeyboardInterrupt:
        return 130
    if settings.fleet and not getattr(module, "FLEET", False):
        names = ", ".join(m.name for m in settings.fleet)
        return fail(f"redis-tui {name}: one server at a time, got {len(settings.fleet)} ({names}): give one URL "
                    "or --profile (doctor and the dashboard take several)", usage_exit)
    for warning in settings.warnings:
        print(warning, file=sys.stderr)
    try:
        code: int = module.run(settings, args)
    except KeyboardInterrupt:
        return 130
    return code


def describe(exc: Exception, parser: argparse.ArgumentParser) -> str:
    """One line for a bad argument or config, passwords masked."""
    text = " ".join(scrub(str(exc)).split())
    if isinstance(exc, UsageError):
        text += f" (see '{parser.prog} --help')"
    return text


def fail(message: str, code: int) -> int:
    """Print one line to stderr and return `code`."""
    print(message, file=sys.stderr)
    return code
