"""The selected key on the keys screen: inspect it, read its value a page at a time,
reload it, copy its name. A mixin of `KeysScreen`; the Redis work runs in the "detail"
worker group (a newer key cancels the work for an older one)."""

from __future__ import annotations

import asyncio

from textual import work

from redis_tui.core.display import ELLIPSIS, redis_repr
from redis_tui.core.keyspace.values import KeyInfo, StringValue, ValuePage, inspect_key, open_reader, read_string
from redis_tui.ui.keys.detail import KeyDetail
from redis_tui.ui.keys.dialogs import editable_name, toast

DEBOUNCE_S = 0.03  # a key held down does not inspect every key it passes


def copy_form(key: bytes) -> str:
    """What `y` copies: the name itself when it is plain printable UTF-8, else redis-cli's
    quoted form (so no control character reaches the clipboard)."""
    return editable_name(key) or redis_repr(key)


class KeyInspection:
    """Mixin for `KeysScreen`: needs `client`, `settings`, `selected`, `reader`, `problem`,
    `alive`, `show_problem`, `_show_bar`."""

    @work(exclusive=True, group="detail")
    async def _inspect(self, key: bytes) -> None:
        """Inspect `key` and read the head of its value."""
        await asyncio.sleep(DEBOUNCE_S)
        settings, client = self.settings, self.client
        value = page = None
        try:
            info = await inspect_key(client, key)
            reader = None
            if info.type == "string":
                value = await read_string(client, key, settings.string_preview_kb * 1024)
            elif info.exists:
                reader = open_reader(client, key, info.type, settings.value_page_size)
                page = await reader.next_page() if reader is not None else None
        except Exception as exc:  # noqa: BLE001
            self.show_problem(exc)
            return
        if self.alive():
            self.reader = reader
            self.show_key(info, value, page)

    def show_key(self, info: KeyInfo, value: StringValue | None = None, page: ValuePage | None = None) -> None:
        """Render a key's info and the head of its value."""
        if self.problem:
            self.problem = ""
            self._show_bar()
        detail = self.query_one(KeyDetail)
        detail.clear()
        detail.show_info(info, self.clock())
        if value is not None:
            detail.show_string(value)
        elif page is not None:
            detail.start_collection(info.type)
            detail.add_page(page, info.length)
        elif info.exists:
            detail.show_unsupported(info.type)

    def _more_values(self) -> None:
        reader = self.reader
        if reader is None or reader.done or self.client is None:
            return
        if any(w.group == "detail" and not w.is_finished for w in self.workers):
            return
        self._read_more(reader)

    @work(exclusive=True, group="detail")
    async def _read_more(self, reader) -> None:
        try:
            page = await reader.next_page()
        except Exception as exc:  # noqa: BLE001
            self.show_problem(exc)
            return
        if reader is self.reader and self.alive():
            detail = self.query_one(KeyDetail)
            if detail.info is not None:
                detail.add_page(page, detail.info.length)

    def action_refresh_key(self) -> None:
        """Inspect the selected key again (TTL, memory, value from the start)."""
        if self.selected is not None and self.client is not None:
            self._inspect(self.selected)

    def action_copy(self) -> None:
        """Copy the selected key's name to the clipboard."""
        if self.selected is None:
            return
        text = copy_form(self.selected)
        self.app.copy_to_clipboard(text)
        # both forms of copy_form are printable already: escaping again would double the backslashes
        toast(self.app, f"Copied {text if len(text) <= 80 else text[:79] + ELLIPSIS}", timeout=3)
