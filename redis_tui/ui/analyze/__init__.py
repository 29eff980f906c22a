"""The analyze screen: ``AnalyzeScreen``, a whole-keyspace report built page by page."""

from redis_tui.ui.analyze.screen import AnalyzeScreen

__all__ = ["AnalyzeScreen"]
