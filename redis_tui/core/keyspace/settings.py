"""The [keyspace] config section (keys screen and analyze), with its defaults.

Every field is a [keyspace] key of the same name, declared with its check and meaning
(documented key by key in config.example.toml).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from redis_tui.core.keyspace.analyze import AnalyzeOptions
from redis_tui.core.options import COUNT, Options, number, option, text, whole


@dataclass(frozen=True)
class KeyspaceSettings(Options):
    """Browse and analyze settings."""

    delimiter: str = option(":", text('a non-empty string, e.g. ":"', lambda value: value != ""),
                            "namespace delimiter of the tree and of analyze")
    page_size: int = option(500, COUNT, "key names per page on the keys screen")
    scan_count: int = option(1000, COUNT, "SCAN COUNT hint while browsing")
    tree_depth: int = option(2, COUNT, "namespace levels counted per tree scan")
    value_page_size: int = option(200, COUNT, "elements per page in the value viewer")
    string_preview_kb: int = option(64, COUNT, "how much of a string value is read (GETRANGE)")
    batch: int = option(200, COUNT, "analyze: keys per server call")
    pause_ms: float = option(0.0, number("milliseconds, 0 or more", at_least=0), "analyze: pause between batches")
    parallel: int = option(2, whole("1, 2 or 4", among=(1, 2, 4)), "analyze: batches in flight")
    top: int = option(10, COUNT, "analyze: prefixes and keys listed")
    depth: int = option(3, COUNT, "analyze: namespace levels reported")

    def analyze_options(self, **overrides: Any) -> AnalyzeOptions:
        """What analyze runs with: these settings, then `overrides` (AnalyzeOptions fields, None: not given)."""
        options = AnalyzeOptions(batch=self.batch, pause=self.pause_ms / 1000, top=self.top,
                                 delimiter=self.delimiter.encode("utf-8", "surrogateescape"), depth=self.depth,
                                 parallel=self.parallel)
        return replace(options, **{name: value for name, value in overrides.items() if value is not None})
