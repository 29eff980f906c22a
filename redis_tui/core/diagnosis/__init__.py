"""Diagnosis: snapshots and classified errors → findings, and the production checklist.

Entry points: ``Diagnoser`` / ``diagnose`` / ``diagnose_problem`` (findings),
``checklist`` / ``cluster_checklist`` (check lines),
``Thresholds`` (the ``[thresholds]`` limits), ``RECIPE`` (the ACL line that grants what redis-tui needs).
"""

from redis_tui.core.diagnosis.checklist import CheckLine, checklist
from redis_tui.core.diagnosis.cluster_checklist import cluster_checklist
from redis_tui.core.diagnosis.diagnose import Diagnoser, diagnose, diagnose_problem
from redis_tui.core.diagnosis.permissions import RECIPE
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.findings import STATUSES, Finding, counts, ordered, status_of

__all__ = [
    "RECIPE",
    "STATUSES",
    "CheckLine",
    "Diagnoser",
    "Finding",
    "Thresholds",
    "checklist",
    "cluster_checklist",
    "counts",
    "diagnose",
    "diagnose_problem",
    "ordered",
    "status_of",
]
