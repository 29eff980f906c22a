"""The states of a MONITOR session and the kinds of event it reports.

They are `StrEnum`s: each member equals its string (``StopReason.USER == "user"``), so JSON,
messages and comparisons with plain strings keep working.
"""

from __future__ import annotations

from enum import StrEnum


class SessionState(StrEnum):
    """Where a `MonitorSession` is."""

    STOPPED = "stopped"
    CONNECTING = "connecting"
    RUNNING = "running"
    LOST = "lost"  # the server went away; a retry is due


class EventKind(StrEnum):
    """What a `MonitorEvent` tells."""

    STARTED = "started"
    RESUMED = "resumed"  # started again after the server came back
    LOST = "lost"
    RETRYING = "retrying"  # a try to (re)connect failed
    WARNING = "warning"  # e.g. the guard cannot watch the output buffer
    STOPPED = "stopped"
    ENDED = "ended"  # on a cluster: one node's stream ended, the others go on


class StopReason(StrEnum):
    """Why a session stopped (a `stopped` event's reason may also be a problem id, e.g. ``auth-failed``)."""

    USER = "user"
    MAX_DURATION = "max-duration"
    OUTPUT_BUFFER = "output-buffer"
    LOST = "lost"
    ERROR = "error"  # an internal error of ours
    STDOUT_CLOSED = "stdout-closed"  # ``redis-tui monitor``: the reader of its output went away
