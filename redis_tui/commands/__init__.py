"""Headless commands (doctor, analyze, monitor): the TUI's twins for scripts and cron."""
