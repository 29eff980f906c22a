"""The [keyspace] config section (keys screen and analyze), with its defaults.

Documented key by key in config.example.toml; validated by `config_file.SECTIONS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class KeyspaceSettings:
    """Browse and analyze settings; every field is a [keyspace] key of the same name."""

    delimiter: str = ":"  # namespace delimiter of the tree and of analyze
    page_size: int = 500  # key names per page on the keys screen
    scan_count: int = 1000  # SCAN COUNT hint while browsing
    tree_depth: int = 2  # namespace levels counted per tree scan
    value_page_size: int = 200  # elements per page in the value viewer
    string_preview_kb: int = 64  # how much of a string value is read (GETRANGE)
    batch: int = 200  # analyze: keys per server call
    pause_ms: float = 0.0  # analyze: pause between batches
    parallel: int = 2  # analyze: batches in flight (1, 2 or 4)
    top: int = 10  # analyze: prefixes and keys listed
    depth: int = 3  # analyze: namespace levels reported


def keyspace_settings(section: Mapping[str, Any]) -> KeyspaceSettings:
    """The [keyspace] table (already validated) over the defaults."""
    known = {field.name for field in fields(KeyspaceSettings)}
    return KeyspaceSettings(**{key: value for key, value in section.items() if key in known})
