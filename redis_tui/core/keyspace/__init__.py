"""The keyspace: SCAN pages, the namespace tree, value readers, analyze, guarded writes and ``[keyspace]`` settings.

Entry points: ``KeyScanner`` (pages of keys), ``NamespaceScan`` (prefix counts), ``inspect_key`` / ``read_string`` /
``open_reader`` (values), ``Analyzer`` (the whole-keyspace report), ``KeyWriter`` (writes behind ``--write``).
"""

from redis_tui.core.keyspace.analyze import AnalyzeOptions, Analyzer, Progress, Report, TopKey
from redis_tui.core.keyspace.namespace import Branch, NamespaceScan, NamespaceTree
from redis_tui.core.keyspace.scan import TYPES, KeyScanner, ScanPage, glob_escape
from redis_tui.core.keyspace.settings import KeyspaceSettings
from redis_tui.core.keyspace.values import (
    Element,
    KeyInfo,
    StringValue,
    ValuePage,
    hex_dump,
    inspect_key,
    open_reader,
    read_string,
)
from redis_tui.core.keyspace.writes import KeyWriter, WriteNotAllowed

__all__ = [
    "TYPES",
    "AnalyzeOptions",
    "Analyzer",
    "Branch",
    "Element",
    "KeyInfo",
    "KeyScanner",
    "KeyWriter",
    "KeyspaceSettings",
    "NamespaceScan",
    "NamespaceTree",
    "Progress",
    "Report",
    "ScanPage",
    "StringValue",
    "TopKey",
    "ValuePage",
    "WriteNotAllowed",
    "glob_escape",
    "hex_dump",
    "inspect_key",
    "open_reader",
    "read_string",
]
