"""Fixtures of the integration tests (the servers themselves come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from redis_tui.demo.server import available_kinds
from tests.integration.keyspace_dataset import Dataset


@pytest.fixture(scope="module", params=available_kinds())
def dataset(request: pytest.FixtureRequest) -> Iterator[Dataset]:
    """One dataset server per test module and server kind (read-only tests share it)."""
    data = Dataset(request.param)
    yield data
    data.close()
