"""`Pane`: a bordered dashboard section that re-renders whenever the app's snapshot changes."""

from __future__ import annotations

from textual.containers import Vertical

from redis_tui.core.models import Snapshot


class Pane(Vertical):
    """Base class: subclasses implement `show(snapshot)`; `None` means no data yet."""

    TITLE = ""

    def on_mount(self) -> None:
        self.border_title = self.TITLE
        self.watch(self.app, "snapshot", self.show, init=True)

    def show(self, snapshot: Snapshot | None) -> None:
        """Render `snapshot` (or the no-data state)."""
        raise NotImplementedError
