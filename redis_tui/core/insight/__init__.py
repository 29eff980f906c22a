"""Insight: what the insight screens read and compute, without Textual — latency, slow log, commands and
errors, persistence, memory, config, pub/sub, hot keys. One module per screen; each parses its replies
(never raising on odd input) and folds them into frozen values the screens render and the headless
commands print. Imports only the core base, like every feature package.
"""
