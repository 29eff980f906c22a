"""`StreamView`: a scrollable log that stores plain items and renders only the visible ones.

A RichLog keeps every line as rendered segments (kilobytes each, thousands of objects for
the garbage collector); at MONITOR rates that is tens of megabytes and GC pauses the UI
feels. This view keeps the items themselves (bounded), and turns an item into a Strip only
when it scrolls into sight, with a small cache.

It follows the tail until the user scrolls away from the bottom, and again once the user
scrolls back to the bottom or calls `follow()` (the End key).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

T = TypeVar("T")


class StreamView(ScrollView, Generic[T], can_focus=False):
    """Bounded, tail-following list of items, each drawn as one line by `render_item(item, width)`."""

    DEFAULT_CSS = """
    StreamView { overflow-x: hidden; }
    """

    def __init__(self, render_item: Callable[[T, int | None], Text], max_lines: int = 10_000, **kwargs) -> None:
        super().__init__(**kwargs)
        self.render_item = render_item
        self.items: deque[T] = deque(maxlen=max_lines)
        self._total = 0  # items ever written: numbers each item, so the cache survives the deque shifting
        self._cache: LRUCache[tuple[int, int], Strip] = LRUCache(256)
        self.following = True

    def write(self, items: Iterable[T]) -> None:
        """Append items; keep showing the tail while following, else keep the same lines in view."""
        batch = list(items)
        if not batch:
            return
        evicted = max(0, len(self.items) + len(batch) - (self.items.maxlen or 0))
        self.items.extend(batch)
        self._total += len(batch)
        # The new size first, then the scroll: deciding (or scrolling) before the size is in
        # place compares against the old bottom and leaves the view behind for good.
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.items))
        if self.following:
            self._scroll_y_to(self.max_scroll_y)
        elif evicted:
            self._scroll_y_to(max(0, self.scroll_y - evicted))  # the lines in view moved up by `evicted`
        self.refresh()

    def follow(self) -> None:
        """Show the newest items and keep following them."""
        self.following = True
        self._scroll_y_to(self.max_scroll_y)

    def clear(self) -> None:
        """Forget every item (and follow the tail again)."""
        self.items.clear()
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, 0)
        self.following = True
        self._scroll_y_to(0)
        self.refresh()

    def scroll_by_lines(self, lines: int) -> None:
        """Scroll up (negative) or down by `lines`; the bottom resumes following."""
        self._scroll_y_to(self.scroll_y + lines)

    def scroll_by_pages(self, pages: int) -> None:
        """Scroll up (negative) or down by whole screens."""
        self.scroll_by_lines(pages * max(1, self.scrollable_content_region.height - 1))

    def _scroll_y_to(self, y: float) -> None:
        # force: the scrollbar that allows scrolling appears only at the next layout, after
        # the size changed; without it the first scroll past one screenful is refused
        self.scroll_to(y=y, animate=False, force=True, immediate=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.following = new_value >= self.max_scroll_y

    def action_scroll_end(self) -> None:
        """End: back to the tail, following it."""
        self.follow()

    def on_resize(self) -> None:
        if self.following:
            self.call_after_refresh(self.follow)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if index >= len(self.items):
            return Strip.blank(width, self.rich_style)
        key = (self._total - len(self.items) + index, width)
        strip = self._cache.get(key)
        if strip is None:
            text = self.render_item(self.items[index], width)
            text.no_wrap, text.overflow = True, "ellipsis"
            text.truncate(width, overflow="ellipsis", pad=True)
            strip = Strip(text.render(self.app.console), width).apply_style(self.rich_style)
            self._cache[key] = strip
        return strip
