"""Exact hint texts users tripped on: --askpass once, the OOM hint not repeating the policy hint,
and what to do about persistence of settings with and without a server config file."""

from __future__ import annotations

import pytest

from redis_tui.core.diagnosis.checklist import checklist
from redis_tui.core.diagnosis.diagnose import diagnose_problem
from redis_tui.core.models import Problem
from redis_tui.core.target import Target
from tests.diag_builders import BASE_CONFIG, MB, TARGET, find, snapshot

CLI = "redis-cli -h cache.example.internal -p 6390 --askpass"
FULL = {"memory": {"used_memory": 990 * MB, "maxmemory": 1000 * MB, "maxmemory_policy": "noeviction"}}
NO_FILE = ("This server runs without a config file (config_file is empty in INFO server): a CONFIG SET is lost on "
           "restart and CONFIG REWRITE fails, so add the setting to its start command, e.g. ")


def server_section(config_file: str | None) -> dict:
    return {} if config_file is None else {"server": {"config_file": config_file}}


@pytest.mark.parametrize("finding_id", ["auth-failed", "auth-required"])
@pytest.mark.parametrize("target", [TARGET, Target(host="cache.example.internal", port=6390)], ids=["pw", "no-pw"])
def test_askpass_appears_once(finding_id, target):
    (found,) = diagnose_problem(Problem(finding_id, "x", "WRONGPASS"), target)
    assert f"Test it by hand: {CLI} ping" in found.hints
    assert not any("--askpass --askpass" in hint for hint in found.hints)


def oom_pressure(config_file: str | None):
    before = snapshot({**FULL, **server_section(config_file)}, taken_at=1000.0)
    now = snapshot({**FULL, **server_section(config_file), "errorstats": {"errorstat_OOM": "count=12"}},
                   taken_at=1060.0)
    return find("memory-pressure", now, before)


def test_memory_pressure_hints_with_a_config_file():
    found = oom_pressure("/etc/redis/cache.conf")
    assert found.hints == (
        "Writes are failing right now (12 OOM errors): make room now by deleting keys you can spare "
        f"({CLI} UNLINK <key>), or raise the limit",
        "Policy noeviction: when memory is full every write fails with OOM. For a cache, evict the least recently "
        f"used keys instead: {CLI} CONFIG SET maxmemory-policy allkeys-lru",
        f"If the host has spare RAM, raise the limit: {CLI} CONFIG SET maxmemory <bytes> "
        "(and maxmemory <bytes> in /etc/redis/cache.conf)",
        f"Find what takes the space: redis-tui analyze -h cache.example.internal -p 6390 (or {CLI} --bigkeys)",
        f"Keep a CONFIG SET across restarts: {CLI} CONFIG REWRITE (or edit /etc/redis/cache.conf)",
    )


def test_memory_pressure_hints_without_a_config_file():
    found = oom_pressure("")
    assert found.hints[2] == (f"If the host has spare RAM, raise the limit: {CLI} CONFIG SET maxmemory <bytes> "
                              "(and redis-server --maxmemory <bytes> at start-up, as it runs without a config file)")
    assert found.hints[4] == NO_FILE + "redis-server --maxmemory 2gb"
    assert not any("redis.conf" in hint or "CONFIG REWRITE (" in hint for hint in found.hints)


def test_an_unknown_config_file_assumes_the_usual_path():
    assert oom_pressure(None).hints[4] == f"Keep a CONFIG SET across restarts: {CLI} CONFIG REWRITE " \
                                          "(or edit /etc/redis/redis.conf)"


def test_no_hint_says_the_same_thing_twice():
    for config_file in (None, "", "/etc/redis/cache.conf"):
        hints = oom_pressure(config_file).hints
        assert len(set(hints)) == len(hints)
        assert sum("evict the least recently used keys" in hint for hint in hints) == 1
        assert not any("e.g. For" in hint for hint in hints)


@pytest.mark.parametrize(("config_file", "keep", "password"), [
    ("/etc/redis/6390.conf", f"Keep a CONFIG SET across restarts: {CLI} CONFIG REWRITE (or edit /etc/redis/6390.conf)",
     "requirepass <strong-password> in /etc/redis/6390.conf, or ACL users with the default user off"),
    ("", NO_FILE + "redis-server --maxmemory 2gb --maxmemory-policy allkeys-lru",
     "redis-server --requirepass <strong-password> at start-up, as it runs without a config file, "
     "or ACL users with the default user off"),
], ids=["config-file", "no-config-file"])
def test_no_maxmemory_and_checklist_hints(config_file, keep, password):
    now = snapshot(server_section(config_file), config={**BASE_CONFIG, "requirepass": ""})
    assert find("no-maxmemory", now).hints[2] == keep
    open_target = Target(host="cache.example.internal", port=6390)
    (line,) = [line for line in checklist(now, open_target) if line.id == "password"]
    assert (line.status, line.hint) == ("fail", password)
    persistence = find("persistence-disabled", snapshot(server_section(config_file),
                                                        config={"save": "", "appendonly": "no"}))
    assert persistence.hints[2] == keep.replace("--maxmemory 2gb --maxmemory-policy allkeys-lru", "--appendonly yes")
