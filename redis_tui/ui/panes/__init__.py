"""Dashboard panes: each renders one part of the latest `Snapshot`."""
