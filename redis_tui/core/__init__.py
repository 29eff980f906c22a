"""The core of redis-tui: asyncio + redis-py, no Textual. Everything here is testable alone."""
