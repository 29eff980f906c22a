"""The cluster's facts fit the terminal: status line, spread lines and the topology table at 80, 120, 200 columns.

At 80 columns the status line keeps the cluster's state, slot coverage and nodes up (short forms), a spread
line drops whole parts instead of being cut, and the node table leaves out its least important columns
instead of scrolling sideways.
"""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len

from redis_tui.ui.widgets.node_table import CLUSTER_COLUMNS, NodeTable
from redis_tui.ui.widgets.spread import SpreadLine
from tests.ui.cluster_sample import PRIMARIES, cluster_round, make_cluster_app
from tests.ui.helpers import settle, text_of
from tests.ui.keys_data import screen_text
from tests.ui.sample import NOW

SPREAD = re.compile(r"max \S+ \S+( \d+\.\d×)?( · min \S+)?( · \d primaries)?")


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)], ids=["80", "120", "200"])
async def test_the_cluster_facts_fit_the_terminal(size):
    app, _ = make_cluster_app(cluster_round(), cluster_round(NOW + 1, failed=PRIMARIES[2]))
    width = size[0]
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        status = text_of(app, "StatusBar")
        assert "cluster fail" in status
        assert ("16384/16384 slots" if width >= 120 else "all slots") in status
        assert ("5/6 nodes up" if width >= 120 else "5/6 up") in status
        lines = [str(line.content) for line in app.screen.query(SpreadLine)]
        assert len(lines) == 3
        for line, widget in zip(lines, app.screen.query(SpreadLine), strict=True):
            assert cell_len(line) <= widget.content_region.width and SPREAD.fullmatch(line), line
            assert line in screen_text(app)  # whole on screen
        assert ("· min" in lines[1]) and ("primaries" in lines[1]) == (width >= 120)  # keys: the count goes first
        await pilot.press("o")
        await settle(pilot)
        table = app.screen.query_one(NodeTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # it never scrolls sideways
        shown = [column.key for column in table.spec]
        assert shown[:4] == ["status", "addr", "role", "slots"] and {"flags", "memory", "ops", "lag"} <= set(shown)
        assert len(shown) == (8 if width == 80 else 12 if width == 120 else len(CLUSTER_COLUMNS))
        assert "10.0.0.12:6379  primary    10923-16383" in screen_text(app)
        summary = text_of(app, "#topology-summary")
        assert summary.startswith(" cluster fail   16384/16384 slots") and "5/6 nodes up" in summary
        assert cell_len(summary) <= width - 2 and ("as seen from" in summary) == (width >= 120)
        assert app._exception is None
