"""The keyspace: SCAN pages, the namespace tree, value readers, analyze, guarded writes and ``[keyspace]`` settings.

Entry points: ``KeyScanner`` (pages of keys), ``NamespaceScan`` (prefix counts), ``inspect_key`` / ``read_string`` /
``open_reader`` (values), ``Analyzer`` (the whole-keyspace report), ``KeyWriter`` (writes behind ``--write``);
on a cluster: ``NodesKeyScanner`` / ``NodesNamespaceScan`` (every primary at once), ``Router`` (a key's node,
following MOVED / ASK), ``key_slot``.
"""

from redis_tui.core.keyspace.analyze import AnalyzeOptions, Analyzer, Progress, Report, TopKey
from redis_tui.core.keyspace.namespace import Branch, NamespaceScan, NamespaceTree
from redis_tui.core.keyspace.nodes_scan import NodesKeyScanner, NodesNamespaceScan
from redis_tui.core.keyspace.route import Router
from redis_tui.core.keyspace.scan import TYPES, KeyScanner, ScanPage, glob_escape
from redis_tui.core.keyspace.settings import KeyspaceSettings
from redis_tui.core.keyspace.slots import key_slot
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
    "NodesKeyScanner",
    "NodesNamespaceScan",
    "Progress",
    "Report",
    "Router",
    "ScanPage",
    "StringValue",
    "TopKey",
    "ValuePage",
    "WriteNotAllowed",
    "glob_escape",
    "hex_dump",
    "inspect_key",
    "key_slot",
    "open_reader",
    "read_string",
]
