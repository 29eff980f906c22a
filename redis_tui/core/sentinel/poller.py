"""Poll a Sentinel group round after round: the Sentinels, their events, the master and its replicas.

The same model as a cluster: every server is a node of a `Topology` (kind ``sentinel``) polled by
its own `Poller` (one connection), all at once, each within a time budget, so a dead or stalled
one is an `Outage` and never delays the others. The master and the replicas get the dashboard's
poll (``INFO all`` + the rare CLIENT LIST / CONFIG GET / SLOWLOG GET); each Sentinel gets ``INFO``
and, on the same connection, ``SENTINEL MASTER / REPLICAS / SENTINELS / CKQUORUM <name>``; a
second connection per Sentinel stays subscribed to its events (`EventListener`).

The master is the one a majority of the Sentinels names and whose ``ROLE`` says so
(`MasterTracker`); when it moves, the round says so (`SentinelState.failovers`) and the dashboard
follows. A ``+switch-master`` starts a round at once. Sentinels named by the others
(``SENTINEL SENTINELS``) join the ones given.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from redis_tui.core.connection import CLIENT_NAME, Client, ClientFactory, make_client
from redis_tui.core.errors import classify
from redis_tui.core.models import Outage, Snapshot, Update
from redis_tui.core.nodes import PRIMARY, REPLICA, SENTINEL, Aggregate, Node, Topology, TopologyUpdate
from redis_tui.core.parse import text_of
from redis_tui.core.poller import Poller, default_budget, poll_within, stalled
from redis_tui.core.rounds import Rounds, Via
from redis_tui.core.sentinel.events import EventListener
from redis_tui.core.sentinel.follow import MasterTracker
from redis_tui.core.sentinel.parse import SHOWN_EVENTS, addr_of, flags_of, master_names, number
from redis_tui.core.sentinel.reader import GroupReply, read_group, sentinel_id
from redis_tui.core.sentinel_state import SentinelEvent, SentinelState, SentinelView
from redis_tui.core.target import Target

Totals = Callable[[Topology, Mapping[str, Update]], Aggregate]
SKIP_ON_SENTINEL = frozenset({"client-list", "config", "slowlog"})  # a Sentinel has no CONFIG / SLOWLOG


def no_totals(_topology: Topology, _updates: Mapping[str, Update]) -> Aggregate:
    """The default `totals`: none (the caller injects `core.topology.aggregate`)."""
    return Aggregate()


def hostport(host: str, port: int) -> str:
    """``host:port`` (``[v6]:port``)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class SentinelPoller(Rounds):
    """Polls the group of the master `seed.master` through the Sentinels `seed.sentinel` (and those they know)."""

    def __init__(
        self,
        seed: Target,
        *,
        interval: float = 1.0,
        budget: float | None = None,
        client_list_every: float = 5.0,
        config_every: float = 30.0,
        slowlog_every: float = 15.0,
        history: int = 300,
        clock: Callable[[], float] = time.time,
        client_factory: ClientFactory = make_client,
        client_name: str | None = CLIENT_NAME,
        totals: Totals = no_totals,
        listen: bool = True,
        keep_events: int = 50,
    ) -> None:
        if not seed.sentinel:
            raise ValueError("a Sentinel group needs at least one Sentinel address")
        self.seed = seed
        self.name = seed.master or "mymaster"
        super().__init__(interval)
        self.budget = budget or default_budget(self.interval)
        self.clock = clock
        self.totals = totals
        self.listen = listen
        self.tracker = MasterTracker(self.name)
        self.last: TopologyUpdate | None = None
        self._options: dict[str, Any] = dict(client_list_every=client_list_every, config_every=config_every,
                                             slowlog_every=slowlog_every, history=history, clock=clock,
                                             client_name=client_name)
        self._client_factory = client_factory
        self._configured = tuple(hostport(h, p) for h, p in seed.sentinel)
        self._sentinels: dict[str, Poller] = {}
        self._listeners: dict[str, tuple[EventListener, asyncio.Task[None] | None]] = {}
        self._data: dict[str, Poller] = {}
        self._updates: dict[str, Update] = {}
        self._replies: dict[str, GroupReply] = {}
        self._last_ok: dict[str, float] = {}
        self._rtt: dict[str, float] = {}
        self._ids: dict[str, str] = {}  # Sentinel → its SENTINEL MYID
        self._events: deque[SentinelEvent] = deque(maxlen=keep_events)
        for addr in self._configured:
            self._add_sentinel(addr)

    # --- controls -----------------------------------------------------------------------
    def set_password(self, password: str) -> None:
        """Connect to the master and replicas with this password from now on (the Sentinels keep theirs)."""
        self.seed = dataclasses.replace(self.seed, password=password)
        for poller in self._data.values():
            poller.set_password(password)

    # --- the loop -----------------------------------------------------------------------
    async def poll(self) -> TopologyUpdate:
        """One round over every Sentinel and every data node; never raises for what a server does."""
        started = time.monotonic()
        self._start_listeners()
        sentinels = list(self._sentinels.items())
        data = list(self._data.items())
        read, polled = await asyncio.gather(
            asyncio.gather(*(self._read_sentinel(a, p) for a, p in sentinels)),
            asyncio.gather(*(poll_within(p, self.budget, self._updates.get(a), self.interval) for a, p in data)))
        now = self.clock()
        for (addr, _poller), (update, reply, rtt) in zip(sentinels, read, strict=True):
            self._updates[addr] = update
            if reply is not None:
                self._replies[addr], self._last_ok[addr], self._rtt[addr] = reply, now, rtt
            else:
                self._replies.pop(addr, None)
                self.tracker.forget(addr)
        for (addr, _poller), update in zip(data, polled, strict=True):
            self._updates[addr] = update
        await self._learn_sentinels(started)
        await self._follow(now, started)
        topology = self._topology(now)
        await self._sync_data(topology, started)
        updates = {n.addr: self._updates[n.addr] for n in topology.nodes if n.addr in self._updates}
        self.last = TopologyUpdate(
            taken_at=self.clock(), topology=topology, updates=updates, aggregate=self.totals(topology, updates),
            round_s=time.monotonic() - started, seed=self.seed.display(), sentinel=self._state(topology))
        return self.last

    async def close(self) -> None:
        """Close every connection and stop listening."""
        tasks = [task for _, task in self._listeners.values() if task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._listeners = {addr: (listener, None) for addr, (listener, _) in self._listeners.items()}
        pollers = [*self._sentinels.values(), *self._data.values()]
        await asyncio.gather(*(p.close() for p in pollers), return_exceptions=True)

    # --- Sentinels ----------------------------------------------------------------------
    def _sentinel_target(self, addr: str) -> Target | None:
        host, _, port = addr.rpartition(":")
        if not host or not port.isdigit():
            return None
        return Target(host=host.strip("[]"), port=int(port), tls=self.seed.tls, tls_files=self.seed.tls_files)

    def _add_sentinel(self, addr: str) -> None:
        target = self._sentinel_target(addr)
        if target is None or addr in self._sentinels:
            return
        self._sentinels[addr] = self._make_poller(target, skip=SKIP_ON_SENTINEL)
        listener = EventListener(target, addr, self._on_event, clock=self.clock, client_factory=self._client_factory,
                                 client_name=f"{CLIENT_NAME}-events")
        self._listeners[addr] = (listener, None)

    def _start_listeners(self) -> None:
        if not self.listen:
            return
        loop = asyncio.get_running_loop()
        for addr, (listener, task) in list(self._listeners.items()):
            if task is None:
                self._listeners[addr] = (listener, loop.create_task(listener.run()))

    def _on_event(self, event: SentinelEvent) -> None:
        if event.kind in SHOWN_EVENTS:
            self._events.append(event)
        if self.tracker.event(event):
            self.refresh_now()  # a new master (or the master down): say so without waiting for the next round

    async def _read_sentinel(self, addr: str, poller: Poller,
                             budget: float | None = None) -> tuple[Update, GroupReply | None, float]:
        started = time.monotonic()
        budget = budget or self.budget
        try:
            async with asyncio.timeout(budget):
                update = await poller.poll()
                if not isinstance(update, Snapshot):
                    return update, None, 0.0
                if addr not in self._ids:
                    self._ids[addr] = await sentinel_id(Via(poller))
                reply = await read_group(Via(poller), self.name)
                return update, reply, (time.monotonic() - started) * 1000
        except TimeoutError:
            await poller.close()
            return stalled(poller, budget, self._updates.get(addr), self.interval), None, 0.0
        except Exception as exc:  # noqa: BLE001 - it answered INFO, then the link broke
            await poller.close()
            now = self.clock()
            return Outage(classify(exc, poller.target, connected=True), now, 1, now + self.interval), None, 0.0

    async def _learn_sentinels(self, started: float) -> None:
        """Add the Sentinels the others name, and read them at once (within what is left of the budget)."""
        fresh = []
        known = set(self._ids.values()) - {""}  # a Sentinel we reach by another name ("localhost") is not a new one
        for reply in list(self._replies.values()):
            for record in reply.sentinels:
                addr = addr_of(record)
                if addr is not None and addr not in self._sentinels and record.get("runid") not in known:
                    self._add_sentinel(addr)
                    if addr in self._sentinels:
                        fresh.append(addr)
        if not fresh:
            return
        self._start_listeners()
        budget = max(0.1, self.budget - (time.monotonic() - started) / 2)
        read = await asyncio.gather(*(self._read_sentinel(a, self._sentinels[a], budget) for a in fresh))
        now = self.clock()
        for addr, (update, answer, rtt) in zip(fresh, read, strict=True):
            self._updates[addr] = update
            if answer is not None:
                self._replies[addr], self._last_ok[addr], self._rtt[addr] = answer, now, rtt

    # --- the master ---------------------------------------------------------------------
    async def _follow(self, now: float, started: float) -> None:
        named = {addr: master for addr, reply in self._replies.items()
                 if not reply.error and (master := addr_of(reply.master)) is not None}
        self.tracker.answers(named, now)
        self.tracker.expire(now)
        found = self.tracker.candidate(len(self._sentinels))
        if found is None:
            return
        new, votes = found
        if self.tracker.master is None or await self._says_master(new, started):
            self.tracker.confirm(new, votes, self.clock())

    async def _says_master(self, addr: str, started: float) -> bool:
        """``ROLE`` on `addr` answers ``master`` (within what is left of the round's budget)."""
        poller = self._data_poller(addr)
        if poller is None:
            return False
        try:
            async with asyncio.timeout(max(0.1, self.budget - (time.monotonic() - started))):
                role = await poller.execute("ROLE")
        except Exception:  # noqa: BLE001 - no answer: not confirmed this round
            return False
        return isinstance(role, (list, tuple)) and bool(role) and text_of(role[0]) == "master"

    # --- the topology -------------------------------------------------------------------
    def _agreeing(self) -> list[GroupReply]:
        """The answers of the Sentinels that name the current master (all answers when none does)."""
        master = self.tracker.master
        replies = [r for r in self._replies.values() if not r.error]
        agreeing = [r for r in replies if addr_of(r.master) == master]
        return agreeing or replies

    def _topology(self, now: float) -> Topology:
        master = self.tracker.master
        replies = self._agreeing()
        nodes: list[Node] = []
        if master is not None:
            flags = frozenset().union(*(flags_of(r.master) for r in replies)) if replies else frozenset()
            offset = None
            snap = self._updates.get(master)
            if isinstance(snap, Snapshot):
                offset = number(snap.info.get("replication", {}), "master_repl_offset")
            nodes.append(Node(master, role=PRIMARY, flags=frozenset(flags - {"master"}), link="", repl_offset=offset))
        replicas: dict[str, Node] = {}
        for reply in replies:
            for record in reply.replicas:
                addr = addr_of(record)
                if addr is None or addr == master or addr in replicas:
                    continue
                # every replica of the group is the master's (one the Sentinels just told to follow it may still
                # name its old master, or "?"): its link column says whether it does yet
                replicas[addr] = Node(addr, role=REPLICA, primary=master, flags=flags_of(record) - {"slave"},
                                      repl_offset=number(record, "slave-repl-offset"),
                                      link=record.get("master-link-status", ""))
        nodes.extend(replicas[a] for a in sorted(replicas))
        flagged: dict[str, frozenset[str]] = {}
        for reply in self._replies.values():
            for record in reply.sentinels:
                addr = addr_of(record)
                if addr is not None:
                    flagged[addr] = flagged.get(addr, frozenset()) | (flags_of(record) - {"sentinel"})
        nodes.extend(Node(a, role=SENTINEL, flags=flagged.get(a, frozenset()), link="")
                     for a in sorted(self._sentinels))
        down = master is None or any({"o_down"} & flags_of(r.master) for r in replies)
        seen_from = next((a for a in self._sentinels if a in self._replies), self._configured[0])
        return Topology(kind="sentinel", nodes=tuple(nodes), state="fail" if down else "ok",
                        seen_from=seen_from, read_at=now)

    def _data_poller(self, addr: str) -> Poller | None:
        poller = self._data.get(addr)
        if poller is None:
            host, _, port = addr.rpartition(":")
            if not host or not port.isdigit():
                return None
            target = dataclasses.replace(self.seed, host=host.strip("[]"), port=int(port), socket=None,
                                         sentinel=(), master=None)
            poller = self._data[addr] = self._make_poller(target)
        return poller

    async def _sync_data(self, topology: Topology, started: float) -> None:
        """One poller per master/replica of `topology`: drop the gone ones, poll the new ones now."""
        wanted = {n.addr for n in topology.nodes if n.role != SENTINEL}
        for addr in [a for a in self._data if a not in wanted]:
            asyncio.get_running_loop().create_task(self._data.pop(addr).close())
            self._updates.pop(addr, None)
        fresh = [a for a in sorted(wanted) if a not in self._updates]
        pollers = [(a, p) for a in fresh if (p := self._data_poller(a)) is not None]
        budget = max(0.1, self.budget - (time.monotonic() - started) / 2)
        results = await asyncio.gather(*(poll_within(p, budget, None, self.interval) for _, p in pollers))
        for (addr, _), update in zip(pollers, results, strict=True):
            self._updates[addr] = update

    def _state(self, topology: Topology) -> SentinelState:
        views = []
        others: set[str] = set()
        flagged = {n.addr: n.flags for n in topology.nodes}
        for addr in sorted(self._sentinels):
            update = self._updates.get(addr)
            reply = self._replies.get(addr)
            if isinstance(update, Snapshot):
                others.update(master_names(update.info))
            error = update.problem.summary if isinstance(update, Outage) else (reply.error if reply else "")
            sentinel_info = update.info.get("sentinel", {}) if isinstance(update, Snapshot) else {}
            views.append(SentinelView(
                addr=addr, reachable=reply is not None, error=error,
                master=addr_of(reply.master) if reply else None,
                master_flags=flags_of(reply.master) if reply else frozenset(),
                quorum=number(reply.master, "quorum") if reply else None,
                replicas=number(reply.master, "num-slaves") if reply else None,
                other_sentinels=number(reply.master, "num-other-sentinels") if reply else None,
                ckquorum=reply.ckquorum if reply else "", ckquorum_ok=reply.ckquorum_ok if reply else None,
                tilt=sentinel_info.get("sentinel_tilt") == "1",
                rtt_ms=self._rtt.get(addr) if reply else None, last_ok=self._last_ok.get(addr),
                configured=addr in self._configured, flags=flagged.get(addr, frozenset())))
        quorum = next((v.quorum for v in views if v.quorum is not None), None)
        return SentinelState(
            name=self.name, master=self.tracker.master, sentinels=tuple(views), quorum=quorum,
            events=tuple(self._events), failovers=tuple(self.tracker.failovers), odown_open=self.tracker.odown_open,
            pending=self.tracker.pending[0] if self.tracker.pending else None,
            other_masters=tuple(sorted(others - {self.name})))

    def _make_poller(self, target: Target, skip: frozenset[str] = frozenset()) -> Poller:
        budget = self.budget

        def factory(t: Target, client_name: str | None) -> Client:
            return self._client_factory(t, connect_timeout=budget, reply_timeout=budget, client_name=client_name)

        return Poller(target, interval=self.interval, client_factory=factory, skip=skip, **self._options)
