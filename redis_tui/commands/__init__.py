"""Headless commands (doctor, analyze, monitor): the TUI\x27s twins for scripts and cron."""
