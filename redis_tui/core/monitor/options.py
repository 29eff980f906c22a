"""The ``[monitor]`` config table: limits and sizes of a MONITOR session (see config.example.toml)."""

from __future__ import annotations

from dataclasses import dataclass

from redis_tui.core.monitor.feed import check_delimiter
from redis_tui.core.options import Options, number, option, text, whole

MB = 1024 * 1024


def _delimiter_ok(value: str) -> bool:
    try:
        check_delimiter(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class MonitorOptions(Options):
    """Limits and sizes; every field but `connect_timeout_s` is a ``[monitor]`` key."""

    max_buffer_mb: float = option(
        8.0, number("megabytes, a number above 0 (stop MONITOR when its output buffer passes it)", above=0),
        "stop MONITOR when its output buffer on the server passes this many MB")
    max_duration_s: float = option(
        600.0, number("seconds, a number (0 for no limit)", at_least=0), "stop MONITOR after this many seconds")
    window_s: int = option(60, whole("seconds, a whole number 5-3600", at_least=5, at_most=3600),
                           "seconds covered by the sliding window of the aggregates")
    buffer_lines: int = option(10_000, whole("a number of lines, 100-1000000", at_least=100, at_most=1_000_000),
                               "lines the stream view keeps")
    delimiter: str = option(":", text('printable ASCII text without quotes or backslashes, e.g. ":"', _delimiter_ok),
                            'namespace delimiter of the "key prefixes" table')
    top: int = option(10, whole("a number of rows, 1-100", at_least=1, at_most=100), "rows in each top-N table")
    guard_interval_s: float = option(0.5, number("seconds, above 0 and at most 10", above=0, at_most=10),
                                     "seconds between two looks at the MONITOR connection's output buffer")
    max_line_kb: int = option(1024, whole("kilobytes, a whole number 4-65536", at_least=4, at_most=65536),
                              "a MONITOR line longer than this is cut to its whole arguments that fit")
    connect_timeout_s: float = 3.0

    @property
    def max_buffer_bytes(self) -> int:
        """The output-buffer limit in bytes."""
        return int(self.max_buffer_mb * MB)
