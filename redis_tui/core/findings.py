"""The `Finding` value (a finding id, severity, title, evidence, hints), its ordering, and the overall status it gives.

Status, as ``doctor`` reports it: CRITICAL if any finding is critical, else WARNING if any
is a warning, else OK. Info findings never change the status. UNKNOWN is for when the
check itself could not run (bad arguments, an internal failure).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Severity(StrEnum):
    """How bad a finding is (each member equals its string: ``Severity.INFO == "info"``)."""

    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


class Status(StrEnum):
    """The overall status ``doctor`` reports."""

    OK = "OK"
    WARNING = "WARNING"
    CRITICAL = "CRITICAL"
    UNKNOWN = "UNKNOWN"


CRITICAL, WARNING, INFO = Severity.CRITICAL, Severity.WARNING, Severity.INFO
SEVERITIES = tuple(Severity)  # most severe first
# status → doctor's exit code
STATUSES: dict[str, int] = {Status.OK: 0, Status.WARNING: 1, Status.CRITICAL: 2, Status.UNKNOWN: 3}


@dataclass(frozen=True)
class Finding:
    """One thing found wrong (or worth knowing): id, severity, title, evidence, hints.

    `evidence` holds the measured values (JSON-safe scalars); `detail` says them in one
    line for people; `hints` are numbered steps with exact commands, already filled with
    the target's host, port and values.
    """

    id: str
    severity: Severity
    title: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    hints: tuple[str, ...] = ()
    detail: str = ""
    node: str = ""  # "host:port" of the node it is about, when the target has several

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        object.__setattr__(self, "severity", Severity(self.severity))
        object.__setattr__(self, "evidence", MappingProxyType(dict(self.evidence)))

    def __hash__(self) -> int:
        return hash((self.id, self.severity, self.title, self.hints, self.detail, self.node))

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape ``{id, severity, title, evidence, hints}``, plus ``detail`` (the evidence in words)
        and ``node`` on a cluster."""
        return {
            "id": self.id,
            **({"node": self.node} if self.node else {}),
            "severity": self.severity,
            "title": self.title,
            "evidence": dict(self.evidence),
            "hints": list(self.hints),
            "detail": self.detail,
        }


def ordered(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Most severe first, then by id (a stable order for the UI and the tests)."""
    return tuple(sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.id, f.node)))


def status_of(findings: Iterable[Finding]) -> Status:
    """OK, WARNING or CRITICAL from the most severe finding (info counts as OK)."""
    severities = {f.severity for f in findings}
    if CRITICAL in severities:
        return Status.CRITICAL
    if WARNING in severities:
        return Status.WARNING
    return Status.OK


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """{severity: how many} for a status badge."""
    out: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        out[finding.severity] += 1
    return out


def node_status(findings: Iterable[Finding], addr: str) -> str:
    """OK / WARNING / CRITICAL for one node of several, from the findings that name it."""
    return status_of(f for f in findings if f.node == addr)
