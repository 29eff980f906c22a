"""The state rules: one module per area (memory, server, clients, replication), each with a ``RULES`` tuple.

``STATE_RULES`` is every rule, in the order ``diagnose`` runs them.
"""

from __future__ import annotations

from collections.abc import Callable

from redis_tui.core.diagnosis.rules import clients as rules_clients
from redis_tui.core.diagnosis.rules import memory as rules_memory
from redis_tui.core.diagnosis.rules import replication as rules_replication
from redis_tui.core.diagnosis.rules import server as rules_server
from redis_tui.core.diagnosis.situation import Situation
from redis_tui.core.findings import Finding

Rule = Callable[[Situation], "Finding | None"]
STATE_RULES: tuple[Rule, ...] = (*rules_memory.RULES, *rules_server.RULES, *rules_clients.RULES,
                                 *rules_replication.RULES)

__all__ = ["STATE_RULES", "Rule"]
