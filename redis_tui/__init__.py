"""redis-tui: htop for Redis and Valkey."""

__version__ = "0.1.0"
