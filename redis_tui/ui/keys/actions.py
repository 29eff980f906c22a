"""The keys screen's data-changing actions (delete, TTL, rename), offered only with --write.

Without --write the actions are not offered (`check_action` hides their keys), and the core's
`KeyWriter` refuses them anyway. With it, each one waits for a dialog that names the key.
"""

from __future__ import annotations

import redis.exceptions
from textual import work

from redis_tui.core.display import safe_text
from redis_tui.core.keyspace.writes import WriteNotAllowed
from redis_tui.ui.keys.dialogs import ConfirmDialog, RenameDialog, TTLDialog, editable_name, toast

WRITE_ACTIONS = ("delete", "expire", "rename")


class KeyWriteActions:
    """Mixin for `KeysScreen`: needs `selected`, `writer`, `alive`, `forget_key`, `rename_row`, `_inspect`,
    `show_problem`."""

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Write actions exist only with --write."""
        if action in WRITE_ACTIONS and not self.write:
            return False
        return True

    def _target(self) -> bytes | None:
        if self.selected is None or self.writer is None:
            return None
        return self.selected

    def action_delete(self) -> None:
        """Delete the selected key (after confirmation)."""
        key = self._target()
        if key is not None:
            dialog = ConfirmDialog("Delete this key?", key, "UNLINK removes the key and its value; this cannot be "
                                   "undone.", "Delete")
            self.app.push_screen(dialog, lambda ok: ok and self._write("delete", key))

    def action_expire(self) -> None:
        """Set or remove the selected key's TTL."""
        key = self._target()
        if key is not None:
            info = self.query_one("KeyDetail").info
            ttl = None
            if info is not None and info.key == key and info.expires_at is not None:
                ttl = max(0.0, info.expires_at - self.clock())
            self.app.push_screen(TTLDialog(key, ttl),
                                 lambda seconds: seconds is not None and self._write("expire", key, seconds))

    def action_rename(self) -> None:
        """Rename the selected key (RENAMENX; replacing an existing key needs a second yes)."""
        key = self._target()
        if key is not None:
            self.app.push_screen(RenameDialog(key, editable_name(key)),
                                 lambda new: new is not None and self._write("rename", key, new))

    @work(group="write")
    async def _write(self, action: str, key: bytes, argument=None) -> None:
        writer, name = self.writer, safe_text(key, 60)
        try:
            if action == "delete":
                done = await writer.delete(key)
                message = f"Deleted {name}" if done else f"{name} was already gone"
            elif action == "expire" and argument:
                done = await writer.expire(key, argument)
                message = f"{name} expires in {argument} s" if done else f"{name} no longer exists"
            elif action == "expire":
                done = await writer.persist(key)
                message = f"{name} no longer expires" if done else f"{name} had no TTL"
            else:
                done = await writer.rename(key, argument, replace=action == "replace")
                message = f"Renamed {name} to {safe_text(argument, 60)}"
        except WriteNotAllowed as exc:
            toast(self.app, safe_text(str(exc), 200), severity="error")
            return
        except redis.exceptions.ResponseError as exc:  # the server refused (e.g. ERR no such key): its words
            toast(self.app, f"{name}: the server said {safe_text(str(exc), 160)}", severity="error", timeout=8)
            return
        except Exception as exc:  # noqa: BLE001 - shown in the bar and a toast; the screen stays
            self.show_problem(exc)
            if self.alive():
                toast(self.app, f"{name}: {safe_text(self.problem, 200)}", severity="error", timeout=8)
            return
        if not self.alive():
            return
        if action == "delete":
            self.forget_key(key)
        elif action == "expire":
            self._inspect(key)
        elif not done:  # RENAMENX refused: the name is taken
            dialog = ConfirmDialog("This name is taken. Replace the key that has it?", argument,
                                   "RENAME overwrites it: its value is lost.", "Replace")
            self.app.push_screen(dialog, lambda ok: ok and self._write("replace", key, argument))
            return
        else:
            self.rename_row(key, argument)
        self._said(message)

    def _said(self, message: str) -> None:
        toast(self.app, message)
