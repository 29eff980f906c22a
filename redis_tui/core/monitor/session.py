"""A MONITOR session: the one object the MONITOR screen and ``redis-tui monitor`` drive.

`MonitorSession.run()` opens a raw MONITOR connection and reads it at full speed: each
socket read becomes one block of whole lines for the `Feed` (counts, filters, aggregates,
then the sink). A guard connection polls the monitor connection's output buffer on the
server. The session stops on `stop()`, on the maximum duration, when the output buffer
passes its limit, or on an answer that retrying cannot change (auth, NOPERM, MONITOR
refused); when the server goes away it says so and resumes by itself with backoff.

Driving it from a UI (same event loop): start `run()` as a task or worker, pass
`on_event` to hear about state changes, and once per frame call `take()` for new lines and,
less often, `stats()` for the aggregates. `stop()`, `paused`, `set_filter()` and `clear()`
may be called at any time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from redis_tui.core.errors import classify
from redis_tui.core.format import human_bytes, human_duration
from redis_tui.core.models import Problem
from redis_tui.core.monitor.commands import CommandSpec, CommandTable
from redis_tui.core.monitor.conn import MonitorConnection, MonitorRefused, open_monitor
from redis_tui.core.monitor.events import EventKind, SessionState, StopReason
from redis_tui.core.monitor.feed import Feed, Sink, ViewBatch, ViewBuffer, check_delimiter
from redis_tui.core.monitor.filter import Filter
from redis_tui.core.monitor.guard import FAILURES_FOR_LOST, Guard, GuardUnavailable
from redis_tui.core.monitor.lines import MonitorLine, cut_line
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.monitor.stats import MonitorStats, Window
from redis_tui.core.probe import PortWatch
from redis_tui.core.target import Target

READ_SIZE = 256 * 1024
COALESCE_BELOW, COALESCE_S = 64 * 1024, 0.004  # a read smaller than this: wait before the next
SPIKE_FACTOR = 4  # an output buffer this many times the limit stops MONITOR at the first look
BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
TERMINAL = ("auth-required", "auth-failed", "permission-denied", "monitor-refused")
# short names for the reasons the session itself stops with
USER, MAX_DURATION, OUTPUT_BUFFER, LOST = (
    StopReason.USER, StopReason.MAX_DURATION, StopReason.OUTPUT_BUFFER, StopReason.LOST)


@dataclass(frozen=True)
class MonitorEvent:
    """A change the user should hear about.

    kind: ``started``, ``resumed``, ``lost`` (the server went away; `retry_in` s until the
    next try), ``retrying`` (a try failed), ``warning`` (e.g. the guard cannot watch), or
    ``stopped`` with `reason`: ``user``, ``max-duration``, ``output-buffer`` or a problem id
    (``auth-failed``, ``permission-denied``, ``monitor-refused``, ``connection-refused``...).
    """

    kind: EventKind
    message: str
    reason: StopReason | str = ""  # or a problem id
    problem: Problem | None = None
    retry_in: float | None = None
    at: float = 0.0


class MonitorSession:
    """One MONITOR stream with its filters, aggregates, view buffer and guards."""

    def __init__(
        self,
        target: Target,
        options: MonitorOptions = MonitorOptions(),
        spec: Filter = Filter(),
        *,
        sink: Sink | None = None,
        on_event: Callable[[MonitorEvent], None] | None = None,
        clock: Callable[[], float] = time.time,
        connect: Callable[..., Awaitable[MonitorConnection]] = open_monitor,
    ) -> None:
        self.target = target
        self._open = connect  # `open_monitor`, or a wrapper of it
        self.options = options
        self.clock = clock
        self.on_event = on_event
        self.window = Window(options.window_s)
        self.view = ViewBuffer(options.buffer_lines)
        self._filter = spec
        self._own: set[str] = set()
        self._hidden: set[str] = set()
        self.feed = Feed(CommandTable.default(), self.window, spec, delimiter=check_delimiter(options.delimiter),
                         sink=sink if sink is not None else self.view, clock=clock)
        self.state = SessionState.STOPPED
        self.started_at: float | None = None
        self.last_omem: int | None = None
        self.peak_omem = 0
        self.last_event: MonitorEvent | None = None
        self._stop_reason: str | None = None
        self._wake = asyncio.Event()
        self._port = PortWatch(target)  # a restarted server ends a backoff step within a second

    # --- controls -------------------------------------------------------------------------
    def stop(self, reason: str = USER) -> None:
        """Stop the stream (run() returns its `stopped` event)."""
        if self._stop_reason is None:
            self._stop_reason = reason
        self._wake.set()

    @property
    def paused(self) -> bool:
        """True while the view is paused (counting and aggregates go on)."""
        return self.view.paused

    @paused.setter
    def paused(self, value: bool) -> None:
        self.view.paused = value

    @property
    def filter(self) -> Filter:
        """The filter in force."""
        return self._filter

    def set_filter(self, spec: Filter) -> None:
        """Filter the stream and the aggregates from now on (both start afresh)."""
        self._filter = spec
        self.feed.set_filter(spec.with_excluded(self._own | self._hidden))
        self.window.clear()
        self.view.clear()

    def hide_clients(self, addresses: Iterable[str]) -> None:
        """Leave these client addresses out of the stream (e.g. the dashboard's own poller,
        as CLIENT INFO ``addr=`` tells it); the guard's connection is always left out."""
        self._hidden = set(addresses)
        self.feed.set_filter(self._filter.with_excluded(self._own | self._hidden))

    def clear(self) -> None:
        """Empty the view and the aggregates."""
        self.view.clear()
        self.window.clear()

    def take(self, limit: int | None = None) -> ViewBatch:
        """New lines for the view since the last call (call at most once per frame)."""
        return self.view.take(limit)

    def stats(self) -> MonitorStats:
        """The aggregates now."""
        return self.window.snapshot(self.clock(), self.options.top)

    def command_spec(self, line: MonitorLine) -> CommandSpec:
        """Label (``CONFIG GET``), family (for color) and write flag of a line's command."""
        if not line.args:
            return CommandSpec("")
        return self.feed.table.lookup(line.args[0], line.args[1] if len(line.args) > 1 else None)

    @property
    def elapsed(self) -> float:
        """Seconds since the stream started (0 when stopped)."""
        if self.started_at is None or self.state == SessionState.STOPPED:
            return 0.0
        return self.clock() - self.started_at

    # --- the run loop ---------------------------------------------------------------------
    async def run(self, retry_first: bool = False) -> MonitorEvent:
        """Stream until stopped; returns the final ``stopped`` event.

        With `retry_first` False an unreachable server at the start ends the run at once (the
        headless command exits); after the stream once started, a lost server is retried.
        """
        self._stop_reason = None
        self._wake = asyncio.Event()
        self.started_at = self.clock()
        limit = self.options.max_duration_s
        deadline = time.monotonic() + limit if limit > 0 else None
        connected = False
        attempt = 0
        while True:
            if self._stop_reason is not None:
                return self._finish(self._stop_reason)
            self.state = SessionState.CONNECTING
            try:
                guard, conn = await self._connect()
            except MonitorRefused as exc:
                return self._finish(exc.problem.id, exc.problem)
            except Exception as exc:  # noqa: BLE001 - every connection failure is classified
                problem = classify(exc, self.target, connected=connected)
                if problem.id in TERMINAL or not (connected or retry_first):
                    return self._finish(problem.id, problem)
                delay = BACKOFF[min(attempt, len(BACKOFF) - 1)]
                attempt += 1
                self._port.failed(problem.id)
                message = f"{problem.summary}; retrying in {delay:g} s"
                self._emit(EventKind.RETRYING, message, problem.id, problem, delay)
                await self._sleep(delay, deadline)
                continue
            attempt = 0
            self.state = SessionState.RUNNING
            word = EventKind.RESUMED if connected else EventKind.STARTED
            self._emit(word, f"MONITOR {word} on {self.target.display()}")
            connected = True
            try:
                reason, ended = await self._serve(guard, conn, deadline)
            finally:
                conn.close()
                await guard.close()
            if reason != LOST:
                return self._finish(reason, ended)
            self.state = SessionState.LOST
            self._port.failed(ended.id if ended else None)
            self._emit(EventKind.LOST, f"{ended.summary if ended else 'the server went away'}; "
                       f"retrying in {BACKOFF[0]:g} s", ended.id if ended else LOST, ended, BACKOFF[0])
            await self._sleep(BACKOFF[0], deadline)
            attempt = 1

    async def _connect(self) -> tuple[Guard, MonitorConnection]:
        guard = Guard(self.target, self.options.connect_timeout_s)
        try:
            table = await guard.prepare()  # first, so that its own commands are not in the stream
            conn = await self._open(self.target, connect_timeout=self.options.connect_timeout_s)
        except BaseException:
            await guard.close()
            raise
        self.feed.table = table
        self._own = {guard.address} if guard.address else set()
        self.feed.set_filter(self._filter.with_excluded(self._own | self._hidden))
        return guard, conn

    async def _serve(self, guard: Guard, conn: MonitorConnection, deadline: float | None) -> tuple[str, Problem | None]:
        tasks = {
            asyncio.create_task(self._read(conn)),
            asyncio.create_task(self._watch(guard, conn.client_id)),
            asyncio.create_task(self._wake.wait()),
        }
        if deadline is not None:
            tasks.add(asyncio.create_task(asyncio.sleep(max(0.0, deadline - time.monotonic()), MAX_DURATION)))
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._stop_reason is not None:
            return self._stop_reason, None
        finished = next(iter(done))
        if finished.exception() is not None:  # a bug of ours: stop cleanly and say what it was
            error = finished.exception()
            return StopReason.ERROR, Problem("error", f"MONITOR stopped by an internal error: {error!r}", repr(error))
        result = finished.result()
        return result if isinstance(result, tuple) else (result, None)

    async def _read(self, conn: MonitorConnection) -> tuple[str, Problem | None]:
        read = conn.reader.read
        transport = conn.writer.transport
        assert isinstance(transport, asyncio.ReadTransport)  # a stream's transport reads too
        limit = self.options.max_line_kb * 1024
        tail = b""
        try:
            while True:
                data = await read(READ_SIZE)
                if not data:
                    return LOST, classify(ConnectionError("the server closed the connection"), self.target, True)
                if len(data) < COALESCE_BELOW:
                    # We are ahead of the stream: let the kernel gather a few ms of it, so that
                    # the next read (and all the work per read) covers many lines at once.
                    transport.pause_reading()
                    await asyncio.sleep(COALESCE_S)
                    transport.resume_reading()
                tail = self._whole_lines(tail + data if tail else data)
                while len(tail) > limit:
                    tail = self._whole_lines(await self._skip_long_line(conn.reader, tail, limit))
                # read() returns at once while the stream buffer holds data: without this, a
                # backlog of megabytes would be processed without the UI getting a turn
                await asyncio.sleep(0)
        except (OSError, ConnectionError, EOFError) as exc:
            return LOST, classify(exc, self.target, connected=True)

    def _whole_lines(self, data: bytes) -> bytes:
        """Feed the whole lines at the start of `data`; return the unfinished last line."""
        cut = data.rfind(b"\n") + 1
        if not cut:
            return data
        self.feed.feed(data if cut == len(data) else data[:cut])
        return data[cut:]

    async def _skip_long_line(self, reader: asyncio.StreamReader, head: bytes, limit: int) -> bytes:
        """Keep the head of a line longer than the limit, read past its end, feed the head."""
        while True:
            data = await reader.read(256 * 1024)
            if not data:
                raise ConnectionError("the server closed the connection")
            end = data.find(b"\n")
            if end >= 0:
                self.feed.feed(cut_line(head, limit) + b"\r\n")
                return data[end + 1 :]

    async def _watch(self, guard: Guard, client_id: int | None) -> tuple[str, Problem | None]:
        failures = over = 0
        limit = self.options.max_buffer_bytes
        while True:
            await asyncio.sleep(self.options.guard_interval_s)
            try:
                omem = await guard.poll(client_id)
            except GuardUnavailable as exc:
                self._emit(EventKind.WARNING, f"cannot watch the MONITOR output buffer ({exc}); "
                           "reading at full speed is the only protection")
                await asyncio.Event().wait()
            except Exception as exc:  # noqa: BLE001 - a failing guard is a sign, not a crash
                failures += 1
                if failures >= FAILURES_FOR_LOST:
                    return LOST, classify(exc, self.target, connected=True)
                continue
            failures = 0
            if omem is None:
                continue
            self.last_omem = omem
            self.peak_omem = max(self.peak_omem, omem)
            # One huge command fills the buffer for a moment even when we keep up: trip when
            # it stays over the limit from one look to the next, or is far over it at once.
            over = over + 1 if omem > limit else 0
            if over >= 2 or omem > SPIKE_FACTOR * limit:
                problem = Problem(OUTPUT_BUFFER, (
                    f"MONITOR stopped: its output buffer on the server reached {human_bytes(omem)} "
                    f"(limit {human_bytes(limit)}; [monitor] max_buffer_mb)"))
                return OUTPUT_BUFFER, problem

    async def _sleep(self, seconds: float, deadline: float | None) -> None:
        if deadline is not None:
            seconds = min(seconds, max(0.0, deadline - time.monotonic()))
        await self._port.sleep(seconds, self._wake)
        if deadline is not None and time.monotonic() >= deadline:
            self.stop(MAX_DURATION)

    # --- events ---------------------------------------------------------------------------
    def _finish(self, reason: str, problem: Problem | None = None) -> MonitorEvent:
        self.state = SessionState.STOPPED
        if reason == USER:
            message = "MONITOR stopped"
        elif reason == MAX_DURATION:
            message = f"MONITOR stopped: maximum duration of {human_duration(self.options.max_duration_s)} reached"
        else:
            message = problem.summary if problem else f"MONITOR stopped: {reason}"
        return self._emit(EventKind.STOPPED, message, reason, problem)

    def _emit(self, kind: EventKind, message: str, reason: StopReason | str = "", problem: Problem | None = None,
              retry_in: float | None = None) -> MonitorEvent:
        event = MonitorEvent(kind, message, reason, problem, retry_in, self.clock())
        self.last_event = event
        if self.on_event is not None:
            self.on_event(event)
        return event
