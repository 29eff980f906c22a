"""The headless command's stdout writer: a slow or closed stdout never blocks the stream."""

from __future__ import annotations

import os
import threading
import time

from redis_tui.commands.monitor import StdoutWriter


def test_slow_reader_drops_and_counts_and_closed_pipe_is_noticed():
    read_end, write_end = os.pipe()
    stream = os.fdopen(write_end, "wb")
    broken = threading.Event()
    writer = StdoutWriter(stream, max_pending=256 * 1024)
    writer.on_broken = broken.set
    started = time.monotonic()
    for _ in range(2000):  # 2 MB into a pipe nobody reads (it holds 64 KB)
        writer.put(b"x" * 1023 + b"\n")
    assert time.monotonic() - started < 2  # put() never waited for the pipe
    assert writer.dropped_lines > 1000
    os.close(read_end)  # the reader goes away, like `| head`
    assert broken.wait(5) and writer.broken
    writer.close(5)
    writer.put(b"more\n")  # ignored from now on
    stream.close()


def test_everything_is_written_in_order():
    read_end, write_end = os.pipe()
    stream = os.fdopen(write_end, "wb")
    writer = StdoutWriter(stream)
    chunks = [b"line %d\n" % i for i in range(5000)]
    got = bytearray()
    reader = threading.Thread(target=lambda: got.extend(iter_read(read_end)))
    reader.start()
    for chunk in chunks:
        writer.put(chunk)
    writer.close()
    stream.close()
    reader.join(5)
    assert bytes(got) == b"".join(chunks) and writer.dropped_lines == 0


def iter_read(fd):
    while True:
        data = os.read(fd, 65536)
        if not data:
            os.close(fd)
            return
        yield from data
