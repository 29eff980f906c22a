"""The troubleshooting panel: ``TroubleshootScreen``, the findings and the production checklist."""

from redis_tui.ui.troubleshoot.screen import TroubleshootScreen

__all__ = ["TroubleshootScreen"]
