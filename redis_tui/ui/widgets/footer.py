"""`KeyFooter`: a screen's keys in binding order (a screen's own first, then the app's).

Keys that do not fit are left out whole, from the end: the order of ``BINDINGS`` is the priority.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """The footer, showing as many keys as fit, most important first (binding order).

    Textual's footer scrolls its overflow out of sight, cutting a key in half; this one
    leaves out whole keys instead, from the end of the priority order.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(**kwargs)
        self._width = 0

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        room = self.size.width or self.app.size.width
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = active.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                room -= len(self.app.get_key_display(palette.binding)) + len(palette.binding.description) + 3
        seen: set[str] = set()
        for _node, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in seen or binding.key == self.app.COMMAND_PALETTE_BINDING:
                continue
            seen.add(binding.action)
            width = len(self.app.get_key_display(binding)) + len(binding.description) + 2
            if width > room:
                break
            room -= width
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                            disabled=not enabled, tooltip=tooltip or binding.tooltip).data_bind(compact=Footer.compact)
        if palette is not None:
            binding = palette.binding
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                            classes="-command-palette", disabled=not palette.enabled,
                            tooltip=binding.tooltip or binding.description)

    def on_resize(self) -> None:
        if self.size.width != self._width:
            self._width = self.size.width
            if self._bindings_ready:
                self.call_after_refresh(self.recompose)
