"""What several screens share: the status line, the outage banner, the footer, tables, the stream view, text helpers.

Imports no screen: a widget knows the core and Textual, nothing of ``ui/dashboard``, ``ui/keys`` and the others.
"""

from redis_tui.ui.widgets.footer import KeyFooter
from redis_tui.ui.widgets.outage import OutageBanner
from redis_tui.ui.widgets.status import StatusBar
from redis_tui.ui.widgets.stream_view import StreamView
from redis_tui.ui.widgets.table import Table, build_table, sync_rows
from redis_tui.ui.widgets.text import label_value, lines, set_text

__all__ = [
    "KeyFooter",
    "OutageBanner",
    "StatusBar",
    "StreamView",
    "Table",
    "build_table",
    "label_value",
    "lines",
    "set_text",
    "sync_rows",
]
