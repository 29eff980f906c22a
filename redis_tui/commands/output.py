"""Printing a report to stdout when the reader may leave early (``redis-tui doctor | head -1``)."""

from __future__ import annotations

import os
import sys


def emit(text: str) -> bool:
    """Print `text` and flush; False, quietly, when the reader has closed the pipe."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        silence_stdout()
        return False
    return True


def silence_stdout() -> None:
    """After stdout closed: point fd 1 at /dev/null so the interpreter's last flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
