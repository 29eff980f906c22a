"""`StreamView`: a scrollable log that stores plain items and renders only the visible ones.

A RichLog keeps every line as rendered segments (kilobytes each, thousands of objects for
the garbage collector); at MONITOR rates that is tens of megabytes and GC pauses the UI
feels. This view keeps the items themselves (bounded), and turns an item into a Strip only
when it scrolls into sight, with a small cache.
"""

from __future__ import annotations

from collections import deque
from typing import Callable, Generic, Iterable, TypeVar

from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

T = TypeVar("T")


class StreamView(ScrollView, Generic[T], can_focus=True):
    """Bounded, tail-following list of items, each drawn as one line by `render_item`."""

    DEFAULT_CSS = """
    StreamView { overflow-x: hidden; }
    """

    def __init__(self, render_item: Callable[[T], Text], max_lines: int = 10_000, **kwargs) -> None:
        super().__init__(**kwargs)
        self.render_item = render_item
        self.items: deque[T] = deque(maxlen=max_lines)
        self._total = 0  # items ever written: numbers each item, so the cache survives the deque shifting
        self._cache: LRUCache[tuple[int, int], Strip] = LRUCache(256)

    def write(self, items: Iterable[T]) -> None:
        """Append items; follow the tail if the view was at the bottom."""
        batch = list(items)
        if not batch:
            return
        following = self.scroll_y >= self.max_scroll_y
        self.items.extend(batch)
        self._total += len(batch)
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.items))
        if following:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def clear(self) -> None:
        """Forget every item."""
        self.items.clear()
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, 0)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if index >= len(self.items):
            return Strip.blank(width, self.rich_style)
        key = (self._total - len(self.items) + index, width)
        strip = self._cache.get(key)
        if strip is None:
            text = self.render_item(self.items[index])
            text.no_wrap, text.overflow = True, "ellipsis"
            text.truncate(width, overflow="ellipsis", pad=True)
            strip = Strip(text.render(self.app.console), width).apply_style(self.rich_style)
            self._cache[key] = strip
        return strip

