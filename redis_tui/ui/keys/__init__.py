"""The keys screen: ``KeysScreen`` with its namespace tree, key list, value view and guarded write dialogs."""

from redis_tui.ui.keys.screen import KeysScreen

__all__ = ["KeysScreen"]
