"""The command palette (ctrl+p): redis-tui's actions first, named by where they act, then a few
of Textual's own (Theme, Screenshot). Textual's "Keys" help panel and "Maximize" are left out:
``?`` is the help, and maximizing a pane helps nobody.
"""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider

KEPT_FROM_TEXTUAL = ("Theme", "Screenshot")


class RedisTuiCommands(Provider):
    """Offers `App.get_system_commands` in the order given (Textual's provider sorts by name)."""

    async def discover(self) -> Hits:
        for title, help_text, callback, discover in self.app.get_system_commands(self.screen):
            if discover:
                yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback, *_ in self.app.get_system_commands(self.screen):
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
