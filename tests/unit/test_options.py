"""Declared options: one schema per class, read by one `from_section`, shared with argparse and config.example.toml."""

import argparse
import re
from pathlib import Path

import pytest

from redis_tui.config_file import SECTIONS, TOP_LEVEL, parse
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.keyspace.settings import KeyspaceSettings
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.options import COUNT
from redis_tui.core.topology.options import ClusterOptions

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def sections_of_example() -> dict[str, list[str]]:
    """[section] → the keys the example sets or shows commented out, in order."""
    keys: dict[str, list[str]] = {"": []}
    current = ""
    for line in EXAMPLE.read_text().splitlines():
        header = re.match(r"^#? ?\[([\w.]+)\]\s*$", line)
        if header:
            current = header.group(1)
            keys.setdefault(current, [])
            continue
        key = re.match(r"^#? ?(\w+) = ", line)
        if key:
            keys[current].append(key.group(1))
    return keys


def test_every_section_key_of_the_example_is_declared_and_the_other_way_round():
    documented = sections_of_example()
    assert set(documented[""]) == set(TOP_LEVEL)
    for section, schema in SECTIONS.items():
        assert documented[section] == list(schema), section


def test_threshold_comments_in_the_example_say_what_the_class_declares():
    text = EXAMPLE.read_text()
    for name, key in Thresholds.schema().items():
        assert f"# {key.doc} ({key.expected})\n{name} = " in text, name


def test_schemas_come_from_the_classes():
    assert SECTIONS["thresholds"] == Thresholds.schema()
    assert SECTIONS["monitor"] == MonitorOptions.schema()
    assert SECTIONS["keyspace"] == KeyspaceSettings.schema()
    assert list(SECTIONS["cluster"]) == ["remap"]
    assert "connect_timeout_s" not in MonitorOptions.schema()  # a field, not a [monitor] key
    assert all(key.doc for schema in SECTIONS.values() for key in schema.values())


def test_from_section_reads_a_table_and_overrides_and_checks_each_value():
    settings = KeyspaceSettings.from_section({"batch": 50, "top": 3}, top=None, depth=5)
    assert (settings.batch, settings.top, settings.depth, settings.page_size) == (50, 3, 5, 500)
    with pytest.raises(ValueError, match=r"^parallel must be 1, 2 or 4, got 3$"):
        KeyspaceSettings.from_section({}, parallel=3)
    with pytest.raises(ValueError, match="delimiter must be printable ASCII"):
        MonitorOptions.from_section({}, delimiter='"')
    with pytest.raises(ValueError, match="unknown key 'colour'"):
        Thresholds.from_section({"colour": 1})
    assert MonitorOptions.from_section({}, connect_timeout_s=1.0).connect_timeout_s == 1.0
    # `redis-tui monitor` without --duration passes None: the [monitor] table's value stays
    assert MonitorOptions.from_section({"max_duration_s": 5}, max_duration_s=None).max_duration_s == 5
    assert ClusterOptions.from_section({}).remap == {}
    remap = {"10.0.0.5:6379": "localhost:16379"}
    assert ClusterOptions.from_section({"remap": remap}).remap == remap


def test_a_command_line_flag_uses_the_config_keys_check_and_words():
    parser = argparse.ArgumentParser(exit_on_error=False)
    parser.add_argument("--parallel", type=KeyspaceSettings.arg_type("parallel"))
    parser.add_argument("--pause", type=KeyspaceSettings.arg_type("pause_ms"))
    parser.add_argument("--sample", type=COUNT.arg_type())
    args = parser.parse_args(["--parallel", "4", "--pause", "2.5", "--sample", "7"])
    assert (args.parallel, args.pause, args.sample) == (4, 2.5, 7)
    for argv, words in [(["--parallel", "3"], "expected 1, 2 or 4, got '3'"),
                        (["--pause", "-1"], "expected milliseconds, 0 or more, got '-1'"),
                        (["--pause", "nan"], "got 'nan'"),
                        (["--sample", "1.5"], "expected a whole number, 1 or more, got '1.5'")]:
        with pytest.raises(argparse.ArgumentError, match=re.escape(words)):
            parser.parse_args(argv)


def test_the_documented_example_states_every_default():
    config = parse(EXAMPLE.read_text(), EXAMPLE)
    assert Thresholds.from_section(config.sections["thresholds"]) == Thresholds()
    assert MonitorOptions.from_section(config.sections["monitor"]) == MonitorOptions()
    assert KeyspaceSettings.from_section(config.sections["keyspace"]) == KeyspaceSettings()
