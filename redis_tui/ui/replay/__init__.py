"""Replay (``redis-tui --replay FILE``): the dashboard on a recording — the timeline widget under the panes,
the keys that move through recorded time, and the go-to-time dialog."""
