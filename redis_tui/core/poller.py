"""The poller: one asyncio loop that turns a server into a stream of `Snapshot`s.

Per interval (default 1 s) it sends one ``INFO all``. ``CLIENT LIST`` (which walks every
connection on the server's main thread) goes out every `client_list_every` seconds, more
rarely when it is expensive (its time on the server, from INFO commandstats, kept under 1 %
of the period, up to `client_list_max_every`; a big reply is parsed a chunk at a time,
letting the event loop run in between), and
``CONFIG GET *`` every `config_every` seconds and ``SLOWLOG GET 32`` every `slowlog_every`
seconds, so the steady-state cost at the defaults is about 1.3 commands per second. When
the server cannot be reached it emits an `Outage` and retries with backoff, while a bare
TCP connect once a second (`PortWatch`) notices a restarted server within a second;
`refresh_now()` retries at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import Awaitable, Callable
from typing import Any

import redis.exceptions as rex

from redis_tui.core import parse
from redis_tui.core.clients import client_list_period
from redis_tui.core.connection import CLIENT_NAME, Client, ClientFactory, make_client
from redis_tui.core.errors import classify, make_problem, refine
from redis_tui.core.identity import own_address
from redis_tui.core.models import ClientListCost, ClientRow, Outage, Problem, SlowEntry, Snapshot, Totals, Update
from redis_tui.core.probe import PortWatch
from redis_tui.core.rates import Rings, add_totals, compute_rates
from redis_tui.core.target import Target

BACKOFF = (1.0, 2.0, 4.0, 8.0, 15.0)
MIN_INTERVAL, MAX_INTERVAL = 0.25, 60.0
DENIED_RETRY_S = 300.0  # ask again this rarely for a command the ACL forbids
SLOWLOG_ENTRIES = 32
MAX_CLIENT_LIST_EVERY = 60.0  # the longest CLIENT LIST period by default (client_list_max_interval)


@dataclasses.dataclass
class Periodic:
    """A command sent at most every `every` seconds (and every `DENIED_RETRY_S` while refused)."""

    name: str  # also the key of its note when the server refuses it
    every: float
    command: tuple[str, ...]
    keep: Callable[[Any, float], Awaitable[None]]  # (reply, taken_at)
    next_at: float = 0.0  # time.monotonic() when it is due
    sent_at: float = 0.0  # time.monotonic() when it was last sent
    reply_s: float = 0.0  # how long its last reply took


def secret_config_key(name: str) -> bool:
    """True for config parameters that hold credentials (their values are never kept)."""
    return any(word in name for word in ("pass", "auth", "secret"))


class Poller:
    """Polls one server; `run(emit)` calls `emit` with a `Snapshot` or an `Outage` per attempt."""

    def __init__(
        self,
        target: Target,
        *,
        interval: float = 1.0,
        client_list_every: float = 5.0,
        config_every: float = 30.0,
        slowlog_every: float = 15.0,
        history: int = 300,
        clock: Callable[[], float] = time.time,
        client_factory: ClientFactory = make_client,
        client_name: str | None = CLIENT_NAME,
        client_list_max_every: float = MAX_CLIENT_LIST_EVERY,
        skip: frozenset[str] = frozenset(),
    ) -> None:
        """`skip`: periodic commands not to send ("client-list", "config", "slowlog"), e.g. to a Sentinel."""
        self.target = target
        self.interval = clamp_interval(interval)
        self.paused = False
        self.clock = clock
        self._client_factory = client_factory
        self._client_name = client_name  # dropped if the ACL forbids CLIENT SETNAME
        self._client: Client | None = None
        self._own_addr: str | None = None  # None: not asked yet on this connection; "": unknown
        self._wake = asyncio.Event()
        self._forced = False
        self._new_target = False
        self._rings = Rings(history)
        self._totals = Totals()
        self._previous: Snapshot | None = None
        self._previous_mono = 0.0
        self._client_list: tuple[ClientRow, ...] | None = None
        self._client_list_at: float | None = None
        self._client_list_cost: ClientListCost | None = None
        self._client_list_floor = client_list_every
        self._client_list_ceiling = max(client_list_every, client_list_max_every)
        self._list_stat_now: tuple[int, int] | None = None  # client|list (calls, usec) in this poll's INFO
        self._list_stat_sent: tuple[int, int] | None = None  # ... in the INFO before our last CLIENT LIST
        self._config: dict[str, str] = {}
        self._slowlog: tuple[SlowEntry, ...] | None = None
        self._slowlog_at: float | None = None
        self._periodic: tuple[Periodic, ...] = (
            Periodic("client-list", client_list_every, ("CLIENT LIST",), self._keep_clients),
            Periodic("config", config_every, ("CONFIG", "GET", "*"), self._keep_config),
            Periodic("slowlog", slowlog_every, ("SLOWLOG", "GET", str(SLOWLOG_ENTRIES)), self._keep_slowlog),
        )
        self._client_list_task = self._periodic[0]
        self._periodic = tuple(task for task in self._periodic if task.name not in skip)
        self._notes: dict[str, Problem] = {}
        self._outage: Outage | None = None
        self._watch = PortWatch(target)
        self._due = 0.0  # time.monotonic() of the next poll
        self._last_start = 0.0

    # --- controls (called from the UI) -------------------------------------------------
    def set_interval(self, seconds: float) -> float:
        """Change the interval (clamped to 0.25-60 s); takes effect at once."""
        self.interval = clamp_interval(seconds)
        if self._outage is None:
            self._due = self._last_start + self.interval
        self._wake.set()
        return self.interval

    def set_paused(self, paused: bool) -> None:
        """Stop or resume polling (a paused poller sends nothing)."""
        self.paused = paused
        self._wake.set()

    def set_password(self, password: str) -> None:
        """Connect with this password from now on (in memory only; the next poll reconnects)."""
        self.target = dataclasses.replace(self.target, password=password)
        self._watch.target = self.target
        self._new_target = True

    def refresh_now(self) -> None:
        """Poll (or retry the connection) right away, even when paused."""
        self._forced = True
        self._wake.set()

    def stagger(self, fraction: float) -> None:
        """Push the next CLIENT LIST / CONFIG GET / SLOWLOG GET back by `fraction` (0-1) of their periods,
        so that the pollers of many nodes do not all send them in the same round."""
        for task in self._periodic:
            task.next_at += task.every * fraction

    async def execute(self, *args: str) -> Any:
        """Send one more command on this poller's connection (opened if needed); raises what it raises."""
        return await self._connection().execute_command(*args)

    # --- the loop ------------------------------------------------------------------------
    async def run(self, emit: Callable[[Update], None]) -> None:
        """Poll until cancelled, calling `emit` after every attempt."""
        try:
            while True:
                started = time.monotonic()
                if not self.paused or self._forced:
                    self._forced = False
                    update = await self.poll()
                    emit(update)
                    if isinstance(update, Outage):
                        self._due = started + max(0.0, update.retry_at - self.clock())
                    else:
                        self._due = started + self.interval
                    self._last_start = started
                await self._sleep()
        finally:
            await self.close()

    async def poll(self) -> Update:
        """One attempt: a `Snapshot` on success, an `Outage` (with the next retry time) on failure."""
        try:
            snapshot = await self.poll_once()
        except asyncio.CancelledError:
            raise
        except rex.NoPermissionError as exc:
            if self._client_name is None or "setname" not in str(exc).lower():
                return await self._failed(exc)
            # a least-privilege user may not name its connection: go on without a name
            self._client_name = None
            await self.close()
            return await self.poll()
        except Exception as exc:  # noqa: BLE001 - anything a server or network does becomes an Outage
            return await self._failed(exc)
        self._outage = None
        self._watch.failed(None)
        return snapshot

    async def poll_once(self) -> Snapshot:
        """Fetch and assemble one `Snapshot`; raises what the connection raises."""
        if self._new_target:
            self._new_target = False
            await self.close()
        client = self._connection()
        now_mono = time.monotonic()
        raw = await client.execute_command("INFO", "all")
        taken_at = self.clock()
        info = parse.parse_info(raw)
        self._list_stat_now = client_list_stat(info)
        self._measure_client_list()
        if self._own_addr is None:
            self._own_addr = await own_address(client) or ""
        for task in self._periodic:
            await self._maybe(task, client, now_mono, taken_at)
        return self._assemble(info, taken_at, now_mono)

    async def close(self) -> None:
        """Drop the connection (the next poll opens a new one)."""
        self._own_addr = None
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):  # closing a dead link may fail; nothing to do
                await client.aclose()

    # --- internals ---------------------------------------------------------------------
    def _connection(self) -> Client:
        if self._client is None:
            self._client = self._client_factory(self.target, client_name=self._client_name)
        return self._client

    async def _maybe(self, task: Periodic, client: Client, now_mono: float, taken_at: float) -> None:
        if now_mono < task.next_at:
            return
        sent = time.monotonic()
        try:
            reply = await client.execute_command(*task.command)
        except rex.ResponseError as exc:  # NOPERM or renamed command: degrade, keep polling
            self._note(task.name, exc)
            task.next_at = now_mono + DENIED_RETRY_S
            return
        self._notes.pop(task.name, None)
        task.sent_at, task.reply_s = now_mono, time.monotonic() - sent
        task.next_at = now_mono + task.every
        await task.keep(reply, taken_at)

    async def _keep_clients(self, reply: Any, taken_at: float) -> None:
        started = time.monotonic()
        parts: list[ClientRow] = []
        for part in parse.client_list_parts(reply):
            parts.extend(part)
            await asyncio.sleep(0)  # 10,000 clients are ~3 MB: let the UI run between chunks
        rows = tuple(parts)
        self._client_list, self._client_list_at = rows, taken_at
        task = self._client_list_task
        self._list_stat_sent = self._list_stat_now
        self._client_list_cost = ClientListCost(
            every_s=task.every, floor_s=self._client_list_floor,
            server_s=self._client_list_cost.server_s if self._client_list_cost else None,
            reply_s=task.reply_s, parse_s=time.monotonic() - started, clients=len(rows))
        if self._client_list_cost.server_s is None:
            self._adapt_client_list()  # until the server's own time is known, follow the reply time

    def _measure_client_list(self) -> None:
        """The server's time for our last CLIENT LIST, from the commandstats delta since then
        (other clients' calls in between are averaged in), and the period that follows from it."""
        before, now, cost = self._list_stat_sent, self._list_stat_now, self._client_list_cost
        if before is None or now is None or cost is None:
            return
        self._list_stat_sent = None
        calls, usec = now[0] - before[0], now[1] - before[1]
        if calls <= 0 or usec < 0:
            return  # a restart or CONFIG RESETSTAT in between: measure the next one
        self._client_list_cost = dataclasses.replace(cost, server_s=usec / calls / 1e6)
        self._adapt_client_list()

    def _adapt_client_list(self) -> None:
        cost = self._client_list_cost
        if cost is None:
            return
        task = self._client_list_task
        every = client_list_period(cost.cost_s, self._client_list_floor, self._client_list_ceiling)
        if every != task.every:
            task.every = every
            task.next_at = task.sent_at + every
            self._client_list_cost = dataclasses.replace(cost, every_s=every)

    async def _keep_config(self, reply: Any, taken_at: float) -> None:
        config = parse.parse_config_reply(reply)
        self._config = {k: ("(set)" if v else "") if secret_config_key(k) else v for k, v in config.items()}

    async def _keep_slowlog(self, reply: Any, taken_at: float) -> None:
        self._slowlog, self._slowlog_at = parse.parse_slowlog(reply), taken_at

    def _note(self, what: str, exc: Exception) -> None:
        problem = classify(exc, self.target, connected=True)
        summary = f"{what.replace('-', ' ').upper()}: {problem.summary}"
        self._notes[what] = Problem(problem.id, summary, problem.detail, source=what)

    def _assemble(self, info: dict[str, dict[str, str]], taken_at: float, now_mono: float) -> Snapshot:
        previous = self._previous
        seconds = now_mono - self._previous_mono if previous else 0.0
        keyspace = parse.keyspace_from(info)
        commands = parse.commands_from(info)
        total_keys = sum(db.keys for db in keyspace)
        rates = compute_rates(
            info,
            previous.info if previous else None,
            seconds,
            commands,
            previous.commands if previous else (),
            total_keys,
            previous.total_keys if previous else None,
        )
        self._totals = add_totals(self._totals, info, previous.info if previous else None)
        memory = parse.memory_from(info, self._config)
        snapshot = Snapshot(
            taken_at=taken_at,
            server=parse.server_from(info),
            memory=memory,
            clients=parse.clients_from(info, self._config),
            keyspace=keyspace,
            commands=commands,
            rates=rates,
            totals=self._totals,
            history=self._rings.push(rates, memory.used),
            client_list=self._client_list,
            client_list_at=self._client_list_at,
            client_list_cost=self._client_list_cost,
            config=dict(self._config),
            info=info,
            notes=tuple(self._notes.values()),
            slowlog=self._slowlog,
            slowlog_at=self._slowlog_at,
            own_addr=self._own_addr or None,
        )
        self._previous, self._previous_mono = snapshot, now_mono
        return snapshot

    async def _failed(self, exc: Exception) -> Outage:
        problem = classify(exc, self.target, connected=self._previous is not None)
        await self.close()
        problem = await refine(problem, self.target)
        now = self.clock()
        attempts = self._outage.attempts + 1 if self._outage else 1
        since = self._outage.since if self._outage else now
        wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
        self._outage = Outage(problem=problem, since=since, attempts=attempts, retry_at=now + wait)
        self._watch.failed(problem.id)
        # the next successful poll starts a fresh baseline for rates
        self._previous = None
        for task in self._periodic:
            task.next_at = 0.0
        return self._outage

    async def _sleep(self) -> None:
        """Wait until the next poll is due, a refresh is asked for, polling resumes, or (in an
        outage) the server's port opens again."""
        while True:
            self._wake.clear()
            if self._forced:
                return
            was_paused = self.paused
            remaining = None if was_paused else self._due - time.monotonic()
            if remaining is not None and remaining <= 0:
                return
            if remaining is None:
                await self._wake.wait()
            elif await self._watch.sleep(remaining, self._wake) != "woken":
                return
            if was_paused and not self.paused:
                return  # resumed: poll at once


def client_list_stat(info: dict[str, dict[str, str]]) -> tuple[int, int] | None:
    """(calls, usec) of ``client|list`` in INFO commandstats (Redis/Valkey 7+); None without
    commandstats, or before 7.0 (every CLIENT subcommand shares one line: no measure of CLIENT LIST alone)."""
    stats = info.get("commandstats")
    if not stats or "cmdstat_client" in stats:
        return None
    line = stats.get("cmdstat_client|list")
    if line is None:
        return 0, 0  # not called since the server started (or CONFIG RESETSTAT)
    fields = parse.parse_fields(line)
    return parse.to_int(fields.get("calls")), parse.to_int(fields.get("usec"))


def stalled(poller: Poller, budget: float, previous: Update | None, retry_in: float) -> Outage:
    """The `Outage` of a node whose poll outlasted `budget` (``server-stalled``), counted on from `previous`."""
    now = poller.clock()
    since = previous.since if isinstance(previous, Outage) else now
    attempts = previous.attempts + 1 if isinstance(previous, Outage) else 1
    problem = make_problem("server-stalled", poller.target, f"no answer within the {budget:g} s budget")
    return Outage(problem, since, attempts, now + retry_in)


def clamp_interval(seconds: float) -> float:
    """An interval within 0.25-60 s."""
    return min(MAX_INTERVAL, max(MIN_INTERVAL, float(seconds)))


def default_budget(interval: float) -> float:
    """Per-server time budget for one poll of a round over several servers: 80 % of the interval, 0.25-2 s."""
    return min(2.0, max(0.25, 0.8 * interval))


async def poll_within(poller: Poller, budget: float, previous: Update | None, retry_in: float) -> Update:
    """One `poller.poll()` within `budget` seconds. Past it the connection is dropped and the answer is a
    ``server-stalled`` `Outage` (counted on from `previous`, retried in `retry_in` s): a stopped server, or
    one whose socket is still open, never holds up the round of the others."""
    try:
        async with asyncio.timeout(budget):
            return await poller.poll()
    except TimeoutError:
        await poller.close()
        return stalled(poller, budget, previous, retry_in)
