"""`x` on the keys screen: write the listed keys, or the open collection, to a file (JSON lines).

The dialog asks for a path (a new file in the current directory by default) and never
overwrites a file without a second press (its button then says Overwrite). Keys: the names the
list holds (what the scan listed, at most the list's bound), each with its TYPE and TTL read in
pipelines of `BATCH` (on a cluster on each key's node), a toast saying how far it got; the
collection: the elements the value table holds (what was paged). Lines are written by
`core.keyspace.export` (non-UTF-8 names and values escaped like redis-cli, with a base64 field).
Reads only: no --write needed. A bad path is refused in the dialog; a failed write is a toast.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Button, Input, Static

from redis_tui.core.display import safe_text
from redis_tui.core.format import thousands
from redis_tui.core.keyspace.export import BATCH, check_path, element_record, key_records, write_lines
from redis_tui.core.keyspace.values import Element
from redis_tui.ui.keys.names import toast
from redis_tui.ui.widgets.dialog import Dialog


def default_path(what: bytes | None, clock: Callable[[], float] = time.time) -> str:
    """``redis-keys-20251126-063000.jsonl`` (or ``redis-<key>-….jsonl``) in the current directory."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(clock()))
    name = "keys" if what is None else re.sub(r"[^A-Za-z0-9_.-]+", "_", what.decode("latin-1"))[:40].strip("._")
    return f"redis-{name or 'key'}-{stamp}.jsonl"


class ExportDialog(Dialog[Path]):
    """Where to write; dismisses with the path (checked), or None."""

    buttons = (("Export", "primary", "confirm"), ("Cancel", "default", "cancel"))
    first_focus = "#export-path"
    box_id = "export-dialog"

    def __init__(self, question: str, path: str, note: str) -> None:
        super().__init__()
        self.question, self.path, self.note = question, path, note
        self._overwrite: Path | None = None  # the existing file a second press replaces

    def body(self) -> ComposeResult:
        yield Input(self.path, id="export-path", placeholder="file to write (JSON lines)")
        yield Static(Text(self.note, style="dim"), classes="dialog-note")

    def on_input_changed(self, _event: Input.Changed) -> None:
        if self._overwrite is not None:
            self._overwrite = None
            self.query_one("#confirm", Button).label = "Export"

    def action_confirm(self) -> None:
        """Check the path (a second press replaces an existing file) and close with it."""
        path = check_path(self.query_one("#export-path", Input).value)
        if isinstance(path, str):
            self.error(path)
        elif path.exists() and path != self._overwrite:
            self._overwrite = path
            self.query_one("#confirm", Button).label = "Overwrite"
            self.error(f"{path} exists: press Overwrite to replace it, or change the name")
        else:
            self.dismiss(path)


def ask_keys(app: App[Any], keys: Sequence[bytes], run: Callable[[Path], None], clock: Callable[[], float]) -> None:
    """Ask where to write the `keys` listed, then `run(path)`."""
    if not keys:
        toast(app, "No keys listed to export")
        return
    note = ("One line per key: {\"key\", \"type\", \"ttl\"} (ttl in seconds, -1: none). TYPE and PTTL are read "
            "for each key, in pipelines. Names that are not UTF-8 are written escaped like redis-cli, with a "
            "key_b64 field.")
    dialog = ExportDialog(f"Export the {thousands(len(keys))} keys listed (JSON lines)", default_path(None, clock),
                          note)
    app.push_screen(dialog, lambda path: run(path) if path is not None else None)


def ask_collection(app: App[Any], key: bytes, kind: str, window: Sequence[Element], complete: bool,
                   clock: Callable[[], float]) -> None:
    """Ask where to write the elements the value table holds, then write them."""
    if not window:
        toast(app, "No elements read to export")
        return
    elements = tuple(window)
    more = "" if complete else " (what was paged: scroll or M for more before exporting)"
    note = (f"One line per element of this {kind}{more}. Values longer than the viewer's limit are cut (\"cut\": "
            "true, with their size); values that are not UTF-8 are written escaped like redis-cli, with a _b64 "
            "field.")
    dialog = ExportDialog(f"Export {thousands(len(elements))} elements of {safe_text(key, 60)} (JSON lines)",
                          default_path(key, clock), note)
    app.push_screen(dialog, lambda path: write_collection(app, path, kind, elements) if path is not None else None)


def write_collection(app: App[Any], path: Path, kind: str, elements: Sequence[Element]) -> None:
    """Write the elements (a toast says where, or why not)."""
    try:
        count = write_lines(path, (element_record(kind, e) for e in elements))
    except OSError as exc:
        toast(app, f"Cannot write {safe_text(str(path), 200)}: {safe_text(exc.strerror or str(exc), 100)}",
              severity="error", timeout=8)
        return
    toast(app, f"Wrote {thousands(count)} elements to {safe_text(str(path), 200)}", timeout=6)


async def write_keys(app: App[Any], path: Path, keys: Sequence[bytes], client_for: Callable[[bytes], Any]) -> None:
    """Read each key's TYPE and TTL (in batches, a progress toast each few) and write its line."""
    done = 0
    try:
        path.write_text("", encoding="ascii")  # created (or emptied, after the dialog's Overwrite) first
        for start in range(0, len(keys), BATCH):
            records = await key_records(client_for, keys[start: start + BATCH])
            done += write_lines(path, records, append=True)
            if len(keys) > 4 * BATCH and (start // BATCH) % 4 == 3:
                toast(app, f"Exporting: {thousands(done)} of {thousands(len(keys))} keys written", timeout=2)
    except OSError as exc:
        toast(app, f"Cannot write {safe_text(str(path), 200)}: {safe_text(exc.strerror or str(exc), 100)}",
              severity="error", timeout=8)
        return
    except Exception as exc:  # noqa: BLE001 - the server's words; the lines written so far stay
        toast(app, f"Export stopped after {thousands(done)} keys: {safe_text(str(exc), 160)}", severity="error",
              timeout=8)
        return
    toast(app, f"Wrote {thousands(done)} keys to {safe_text(str(path), 200)}", timeout=6)
