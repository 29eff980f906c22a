"""The demo: an embedded redis/valkey server and a realistic workload (``--demo``, and the servers of the tests).

Entry points: ``run_demo`` (what ``redis-tui --demo`` runs), ``EmbeddedServer`` (a throwaway server on a free port).
"""

from redis_tui.demo.run import run_demo
from redis_tui.demo.server import EmbeddedServer, ServerError, available_kinds, free_port

__all__ = ["EmbeddedServer", "ServerError", "available_kinds", "free_port", "run_demo"]
