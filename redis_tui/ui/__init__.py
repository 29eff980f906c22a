"""The Textual user interface. It renders snapshots; it never talks to Redis itself."""
