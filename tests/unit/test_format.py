"""Numbers on screen: the unit is chosen after rounding, so no figure reads ``1000K`` or ``1024.0K``."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redis_tui.core.format import human_bytes, human_count, human_rate

COUNT_UNITS = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
BYTE_UNITS = {"B": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0"), (7, "7"), (999, "999"), (12.34, "12.3"), (99.94, "99.9"), (99.96, "100"),
        (999.4, "999"), (999.6, "1.0K"), (1000, "1.0K"), (12_345, "12.3K"), (99_960, "100K"),
        (999_499, "999K"), (999_950, "1.0M"), (12_345_678, "12.3M"), (-1500, "-1.5K"),
    ],
)
def test_human_count_at_unit_boundaries(value, shown):
    assert human_count(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0B"), (1023, "1023B"), (1023.6, "1.0K"), (1024, "1.0K"), (1536, "1.5K"),
        (1048575, "1.0M"), (1048576, "1.0M"), (1024**3 - 1, "1.0G"), (5 * 1024**4, "5.0T"), (-2048, "-2.0K"),
    ],
)
def test_human_bytes_at_unit_boundaries(value, shown):
    assert human_bytes(value) == shown


def test_human_rate_keeps_a_decimal_below_ten():
    assert human_rate(0.34) == "0.3/s"
    assert human_rate(999_950) == "1.0M/s"


def _parse(text: str, units: dict[str, float]) -> tuple[float, float]:
    match = re.fullmatch(r"(-?[0-9.]+)([A-Z]?)", text)
    assert match, text
    number, unit = match.groups()
    return float(number), units[unit]


@given(st.floats(min_value=0, max_value=9e14, allow_nan=False))
def test_human_count_is_below_1000_of_its_unit_and_close_to_the_value(value):
    number, scale = _parse(human_count(value), COUNT_UNITS)
    if scale < 1e12:
        assert number < 1000
    # shown with at least 3 significant figures: within half a unit of the last digit shown
    assert abs(number * scale - value) <= 0.5 * scale + 1e-9 * value


@given(st.floats(min_value=0, max_value=9e14, allow_nan=False))
def test_human_bytes_is_below_1024_of_its_unit_and_close_to_the_value(value):
    number, scale = _parse(human_bytes(value).replace("B", ""), {**BYTE_UNITS, "": 1})
    if scale < 1024**4:
        assert number < 1024
    assert abs(number * scale - value) <= 0.05 * scale + 0.5
