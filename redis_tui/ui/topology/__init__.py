"""The cluster in the app: the topology screen, the spread lines of the panes, the status line's
cluster parts, and the app's cluster actions (show one node, the whole cluster, the topology)."""

from redis_tui.ui.topology.screen import TopologyScreen

__all__ = ["TopologyScreen"]
