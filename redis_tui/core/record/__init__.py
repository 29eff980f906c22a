"""Record and replay (DESIGN §8): the recording file (`store`, `codec`), reading it back (`recording`), times on
the command line (`times`), the alert command (`alerts`).

Imports only the core base: the recorder loop that polls and diagnoses lives in `redis_tui.commands.record`.
"""

from redis_tui.core.record.recording import Bucket, Recording
from redis_tui.core.record.store import FORMAT_VERSION, RecordingError, RecordingWriter

__all__ = ["FORMAT_VERSION", "Bucket", "Recording", "RecordingError", "RecordingWriter"]
