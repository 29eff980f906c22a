"""Repaint probe for bench/bench_bandwidth.py: which widgets the app repaints, and what that costs.

Loaded by Python at start-up (``sitecustomize``) when this folder is on PYTHONPATH and
``REDIS_TUI_REPAINT_PROBE`` names a file; it changes nothing the app does. It wraps three
Textual internals (8.x): `Widget._exchange_repaint_regions` (the cells of each widget a frame
repaints), `App._display` (each frame: its bytes, and each widget's share of them: the bytes the
renderer in use writes for that widget's chops, the pieces of lines within it) and `Widget.refresh`
(who asks for a relayout). SIGUSR1 starts counting afresh; SIGUSR2 writes the JSON report.
"""

from __future__ import annotations

import json
import os
import signal
from collections import defaultdict

REPORT = os.environ.pop("REDIS_TUI_REPAINT_PROBE", None)  # not for the processes the app starts


def _install(report: str) -> None:
    from textual import _compositor
    from textual.widget import Widget

    stats: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0])  # frames, cells, bytes, relayouts
    totals = {"frames": 0, "full_frames": 0, "bytes": 0}
    pending: dict[str, int] = {}  # widget → cells dirty for the next frame

    def name(widget) -> str:
        node, path = widget, []
        while node is not None and getattr(node, "id", None) is None and len(path) < 3:
            path.append(type(node).__name__)
            node = node.parent
        label = type(widget).__name__
        if node is not None and getattr(node, "id", None):
            label += f" in #{node.id}" if node is not widget else f"#{node.id}"
        return label

    exchange = Widget._exchange_repaint_regions

    def exchange_probe(self):
        regions = exchange(self)
        size = self.size
        cells = sum(r.intersection(size.region).area for r in regions) if regions else size.area
        if cells:
            key = name(self)
            pending[key] = pending.get(key, 0) + cells
        return regions

    Widget._exchange_repaint_regions = exchange_probe

    refresh = Widget.refresh

    def refresh_probe(self, *regions, repaint=True, layout=False, recompose=False):
        if layout:
            stats[name(self)][3] += 1
        return refresh(self, *regions, repaint=repaint, layout=layout, recompose=recompose)

    Widget.refresh = refresh_probe

    from textual.app import App

    def account_chops(update, compositor, console) -> None:
        # each widget's share: the bytes the installed renderer writes for its chops alone
        owners: dict[tuple[int, int], str] = {}
        for y, line in enumerate(update.chops):
            for x, strip in line.items():
                if strip is not None:
                    try:
                        owners[x, y] = name(compositor.get_widget_at(x, y)[0])
                    except Exception:  # noqa: BLE001 - nothing there
                        owners[x, y] = "(nothing)"
        size = len(type(update).render_segments(update, console).encode())
        totals["frames"] += 1
        totals["bytes"] += size
        for key in set(owners.values()):
            chops = [{x: (strip if owners.get((x, y)) == key else None) for x, strip in line.items()}
                     for y, line in enumerate(update.chops)]
            part = type(update)(chops, update.spans, update.chop_ends)
            stats[key][2] += len(part.render_segments(console).encode()) - len(update.spans)  # less the newlines
        for key, cells in pending.items():
            stats[key][0] += 1
            stats[key][1] += cells
        pending.clear()

    def account_full(update, console) -> None:
        size = len(update.render_segments(console).encode())
        totals["frames"] += 1
        totals["full_frames"] += 1
        totals["bytes"] += size
        entry = stats["(whole screen: a layout or a screen change)"]
        entry[0] += 1
        entry[2] += size
        pending.clear()

    display = App._display

    def display_probe(self, screen, renderable):
        if renderable is not None and not self._batch_count:
            if isinstance(renderable, _compositor.ChopsUpdate):
                account_chops(renderable, screen._compositor, self.console)
            elif isinstance(renderable, _compositor.LayoutUpdate):
                account_full(renderable, self.console)
        return display(self, screen, renderable)

    App._display = display_probe

    def reset(_signum, _frame) -> None:
        stats.clear()
        totals.update(frames=0, full_frames=0, bytes=0)

    def dump(_signum, _frame) -> None:
        data = {"totals": totals, "widgets": {key: dict(zip(("frames", "cells", "bytes", "relayouts"), value,
                                                             strict=True))
                                              for key, value in stats.items()}}
        with open(report + ".tmp", "w") as handle:
            json.dump(data, handle)
        os.replace(report + ".tmp", report)

    signal.signal(signal.SIGUSR1, reset)
    signal.signal(signal.SIGUSR2, dump)


if REPORT:
    _install(REPORT)
