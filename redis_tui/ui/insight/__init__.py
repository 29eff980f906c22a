"""The insight screens (latency, slow log, commands and errors, persistence, memory, config, pub/sub, hot
keys): one `InsightScreen` base (`base.py`), one module per screen, and the `INSIGHTS` registry
(`registry.py`) the app reads for its keys, the command palette, help and the troubleshooting panel's
finding → screen links.
"""
