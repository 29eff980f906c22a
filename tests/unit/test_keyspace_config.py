"""The [keyspace] config table: accepted keys, defaults, and errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from redis_tui.config_file import ConfigError, parse
from redis_tui.core.keyspace.settings import KeyspaceSettings

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_documented_example_parses_and_matches_defaults():
    config = parse(EXAMPLE.read_text(), EXAMPLE)
    assert KeyspaceSettings.from_section(config.sections["keyspace"]) == KeyspaceSettings()


def test_values_override_defaults():
    config = parse('[keyspace]\ndelimiter = "/"\nbatch = 200\npause_ms = 2.5\n', Path("c.toml"))
    settings = KeyspaceSettings.from_section(config.sections["keyspace"])
    assert (settings.delimiter, settings.batch, settings.pause_ms, settings.top) == ("/", 200, 2.5, 10)


@pytest.mark.parametrize("line", ['delimiter = ""', "batch = 0", "pause_ms = -1", "top = 1.5", "nope = 1"])
def test_bad_values_name_the_line(line):
    with pytest.raises(ConfigError, match=r"c\.toml:3:"):
        parse(f"# x\n[keyspace]\n{line}\n", Path("c.toml"))
