"""Every pilot test runs with notifications drawn, as a user's terminal would.

Textual's `App.run_test` defaults to `notifications=False`, so a toast that crashes while
it is rendered (a `rich.Text` passed to `notify`, server text parsed as markup) never
fails a test. This fixture turns them on for every UI test; a test can still pass
`notifications=False` explicitly when it measures something toasts would disturb.
"""

from __future__ import annotations

import functools

import pytest
from textual.app import App


@pytest.fixture(autouse=True)
def draw_notifications(monkeypatch: pytest.MonkeyPatch) -> None:
    original = App.run_test

    @functools.wraps(original)
    def run_test(self, *args, **kwargs):
        kwargs.setdefault("notifications", True)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(App, "run_test", run_test)
