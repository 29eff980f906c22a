"""Hints are data: one table, finding id → title and numbered steps, filled per target.

Templates take ``{cli}`` (``redis-cli -h H -p P`` for the target, never its password;
``{cli_askpass}``: the same with ``--askpass`` exactly once; ``{cli_server}``: without
``-n``), ``{host}``, ``{port}``, ``{address}``, ``{conf}``, ``{service}``, ``{url_example}``
(with a ``<password>`` placeholder), ``{listen_check}``, ``{target_args}``, and the values a
rule measured. A rule may name *cases* whose steps come before the common ones.

Where a setting must outlast a restart, templates say ``{conf_line[maxmemory <bytes>]}``
("maxmemory <bytes> in /etc/redis/redis.conf") and ``{keep[maxmemory 2gb]}`` (CONFIG REWRITE).
When the server reports an empty ``config_file`` (it was started without one), both say so
and give the command-line flag instead (``redis-server --maxmemory 2gb``): CONFIG REWRITE
fails there and a CONFIG SET is lost on restart.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from redis_tui.core.target import Target


@dataclass(frozen=True)
class Entry:
    """Title template, common hint templates, and extra hints per case."""

    title: str
    hints: tuple[str, ...]
    cases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


LOG = ("Read the server log (on {host}): journalctl -u {service} -n 50, "
       "or tail -50 the file from {cli} CONFIG GET logfile")
EVICT = "For a cache, evict the least recently used keys instead: {cli} CONFIG SET maxmemory-policy allkeys-lru"
RAISE = ("If the host has spare RAM, raise the limit: {cli} CONFIG SET maxmemory <bytes> (and "
         "{conf_line[maxmemory <bytes>]})")
BIGKEYS = "Find what takes the space: redis-tui analyze {target_args} (or {cli} --bigkeys)"
CLIENTS = "See who holds the connections: {cli} CLIENT LIST (count by addr=)"
MAXCLIENTS = ("Check and raise the limit: {cli} CONFIG GET maxclients; CONFIG SET maxclients 20000 "
              "(and LimitNOFILE for {service})")
REPLICATION = ("Look at the link: {cli} INFO replication (master_host, master_link_status, "
               "master_link_down_since_seconds)")

HINTS: dict[str, Entry] = {
    # --- connection ----------------------------------------------------------------------
    "connection-refused": Entry("Connection refused: nothing is listening on {address}", (
        "Is the server running? (on {host}) systemctl status {service}",
        "What listens there? (on {host}) {listen_check}",
        "Start it: sudo systemctl start {service}; then check: {cli} ping",
        "If it runs on another port or address, compare 'port' and 'bind' in {conf} with {address}",
        LOG,
    )),
    "db-out-of-range": Entry("Database {db} does not exist on {address}", (
        "Pick a database that exists (-n 0, or /0 at the end of the URL); count them: {cli_server} CONFIG GET "
        "databases",
        "See which databases hold keys: {cli_server} INFO keyspace",
        "To have more: {conf_line[databases 32]}, then restart {service} (a cluster has database 0 only)",
    )),
    "host-unresolved": Entry("Cannot resolve the host name {host}", (
        "Check the name: getent hosts {host}; then the port: nc -vz -w 3 {host} {port}",
        "Fix the host in REDIS_URL / -h (a typo?), or use the IP address: redis-tui -h <ip> -p {port}",
        "In Docker or Kubernetes use the service name on the same network: docker network inspect <network>",
    )),
    "connection-timeout": Entry("Timed out connecting to {address}", (
        "Does the host answer? ping -c 3 {host}",
        "Is the port reachable from here? nc -vz -w 3 {host} {port}",
        "Look for a firewall or security group that drops port {port} (on {host}: sudo iptables -L -n | grep {port})",
        "Is the server up? (on {host}) systemctl status {service}",
    )),
    "tls-error": Entry("TLS with {address} failed", (
        "Look at the handshake: openssl s_client -connect {host}:{port} </dev/null",
        "Check the server's TLS settings in {conf}: tls-port, tls-cert-file, tls-key-file, tls-ca-cert-file",
    ), {
        "tls-expected": ("The port expects TLS: use rediss://{host}:{port}/{db} (or --tls, with --cacert <ca.crt>)",),
        "tls-not-spoken": ("The port speaks plain Redis: use redis://{host}:{port}/{db} (without --tls)",),
        "verify": ("The server's certificate is not trusted: pass the CA that signed it with --cacert <ca.crt> "
                   "(the host name must match the certificate), or --insecure to test only",),
    }),
    "auth-required": Entry("The server requires a password (NOAUTH)", (
        "Find the password: grep -E '^(requirepass|user )' {conf} (or ask who runs the server)",
        "Give it without showing it: export REDISCLI_AUTH='<password>'; then redis-tui {target_args}",
        "In your application's settings: REDIS_URL={url_example}",
        "Test it by hand: {cli_askpass} ping",
    )),
    "auth-failed": Entry("The server rejected the username or password", (
        "Check the password in REDIS_URL / REDISCLI_AUTH: REDIS_URL={url_example}",
        "Test it by hand: {cli_askpass} ping",
        "ACL users need their name too: --user <name>, or redis://<name>:<password>@{host}:{port}/{db}",
        "See the failed attempts (as an admin): {cli} ACL LOG 10",
    ), {
        "no-password-set": ("The server has no password for the default user: drop the password from the "
                            "URL, or set one with requirepass <strong-password> in {conf}",),
    }),
    "permission-denied": Entry("User {user} may not run {commands} (NOPERM)", (
        "Without it: {degraded}",
        "Allow it (as an admin): {cli_admin} ACL SETUSER {user} {rules}",
        "Or give {user} the least-privilege monitoring profile (README, 'ACL for a monitoring user'): "
        "{cli_admin} ACL SETUSER {user} {recipe}",
        "Keep the change: {cli_admin} ACL SAVE (with an aclfile) or CONFIG REWRITE",
    )),
    "server-loading": Entry("The server is loading its dataset into memory (LOADING)", (
        "Wait: it answers once loaded. Watch the progress: {cli} INFO persistence | grep loading_",
        "If it keeps restarting, find out why (on {host}): journalctl -u {service} -n 100; dmesg | grep -i -E "
        "'oom|killed'",
    )),
    "server-busy": Entry("The server is busy running a script (BUSY)", (
        "Stop the script (works if it has not written yet): {cli} SCRIPT KILL (FUNCTION KILL for a function)",
        "If it has written, only this stops it, losing writes since the last save: {cli} SHUTDOWN NOSAVE",
        "Afterwards find it: {cli} SLOWLOG GET 10; a script blocks the whole server, keep scripts short",
    )),
    "max-clients": Entry("The server refuses new clients: max number of clients reached", (
        CLIENTS,
        MAXCLIENTS,
        "Close idle connections automatically: {cli} CONFIG SET timeout 300",
        "Look for a connection leak in the application (a pool that never returns connections)",
    )),
    "protected-mode": Entry("The server is in protected mode and refuses remote clients", (
        "Best: set a password, requirepass <strong-password> in {conf}, restart {service}, "
        "then connect with REDIS_URL={url_example}",
        "Or bind only private addresses and turn protected mode off (on {host}): "
        "redis-cli -p {port} CONFIG SET protected-mode no (only behind a firewall)",
        "Check 'bind' and 'protected-mode' in {conf}",
    )),
    "server-stalled": Entry("Connected to {address}, but the server did not reply in time", (
        "Is the process stopped or pegged? (on {host}) ps -o pid,stat,%cpu,cmd -C {service} "
        "(STAT T: stopped, resume it with kill -CONT <pid>)",
        "A client may have paused it (CLIENT PAUSE): it ends by itself, or run {cli} CLIENT UNPAUSE",
        "A long command (KEYS *, DEBUG SLEEP, a huge DEL) blocks everyone: afterwards see {cli} SLOWLOG GET 10",
        "Check swapping and disk stalls (on {host}): vmstat 1 5; then time a ping: {cli} --latency",
    )),
    "master-down": Entry("The replica has lost its master and refuses to serve data (MASTERDOWN)", (
        REPLICATION,
        "Is the master up? redis-cli -h {master_host} -p {master_port}{tls_flag} ping",
        "Serve possibly stale data meanwhile: {cli} CONFIG SET replica-serve-stale-data yes",
        "Or promote this replica: {cli} REPLICAOF NO ONE (Sentinel does this for you)",
    )),
    "connection-lost": Entry("The connection to {address} was lost", (
        "Is the server still running? (on {host}) systemctl status {service}",
        "Did it restart or crash? {cli} INFO server | grep uptime_in_seconds",
        LOG,
        "Was this client killed or timed out? {cli} CONFIG GET timeout",
    )),
    "command-unavailable": Entry("The server does not offer {command} (renamed or disabled)", (
        "Try it by hand: {cli} {command}; look for rename-command in {conf}",
        "redis-tui needs INFO; CLIENT LIST, CONFIG GET and SLOWLOG GET make it better",
        "Ask the server's owner for a user that may run them: see README, 'ACL for a monitoring user'",
    )),
    "connection-error": Entry("Cannot talk to {address}", (
        "Try by hand: {cli} ping",
        "Is the server running? (on {host}) systemctl status {service}",
    )),
    # --- state ---------------------------------------------------------------------------
    "memory-pressure": Entry("Memory at {pct} of maxmemory ({used} of {maxmemory}), policy {policy}", (
        RAISE, BIGKEYS, "{keep[maxmemory 2gb]}",
    ), {
        "noeviction": ("Policy noeviction: when memory is full every write fails with OOM. " + EVICT,),
        "volatile": ("Policy {policy} only evicts keys with a TTL and only {ttl_pct} of keys have one: "
                     "little to evict. " + EVICT + ", or set TTLs on cache keys",),
        "oom": ("Writes are failing right now ({oom_errors} OOM errors): make room now by deleting keys you can "
                "spare ({cli} UNLINK <key>), or raise the limit",),
    }),
    "oom-rejecting-writes": Entry("Writes rejected with OOM ({oom_errors} OOM errors {oom_when})", (
        EVICT, RAISE, BIGKEYS,
        "Count them: {cli} INFO errorstats | grep OOM",
    )),
    "evictions": Entry("Keys are being evicted: {evicted} in {window}", (
        "Expected for a full cache with an allkeys-* policy; keep an eye on the hit ratio: {cli} INFO stats | grep "
        "keyspace_",
        "If keys you need disappear: " + RAISE[0].lower() + RAISE[1:],
        BIGKEYS,
    )),
    "no-maxmemory": Entry("No memory limit: maxmemory is 0 ({used} used, host RAM {system})", (
        "Set a limit below the host's RAM (leave room for fork copy-on-write): {cli} CONFIG SET maxmemory <bytes>",
        "Pick what happens when full; for a cache: {cli} CONFIG SET maxmemory-policy allkeys-lru",
        "{keep[maxmemory 2gb --maxmemory-policy allkeys-lru]}",
    )),
    "high-fragmentation": Entry("Memory fragmentation ratio {ratio} (RSS {rss}, used {used})", (
        "Ask the server: {cli} MEMORY DOCTOR",
    ), {
        "fragmented": ("Let the server defragment while it runs: {cli} CONFIG SET activedefrag yes",
                       "A restart or failover gives the memory back (save first: {cli} BGSAVE)"),
        "swapping": ("RSS is below used memory: part of the dataset is in swap and latency suffers. "
                     "Check (on {host}): free -m; vmstat 1 5",
                     "Give the host more RAM or lower maxmemory; avoid swap: sysctl vm.swappiness=1"),
    }),
    "no-password": Entry("No password: anyone who can reach {address} can read and change every key", (
        "Set one: {cli} CONFIG SET requirepass <strong-password> (and {conf_line[requirepass <strong-password>]})",
        "Then give it to your applications: REDIS_URL={url_example}",
        "Better, one ACL user per application and the default user off: ACL SETUSER default off",
        "Keep the port private, and behind a firewall: {conf_line[bind 127.0.0.1]} (or a private address)",
    )),
    "persistence-disabled": Entry("No persistence: a restart loses every key", (
        "Fine for a cache that may start empty; otherwise turn on snapshots: {cli} CONFIG SET save '3600 1 300 100 "
        "60 10000'",
        "Or an append-only file: {cli} CONFIG SET appendonly yes",
        "{keep[appendonly yes]}",
    )),
    "rdb-save-failing": Entry("Background saves are failing (rdb_last_bgsave_status: {status})", (
        LOG,
        "Check the dump directory has space and is writable (on {host}): df -h {dir}; ls -ld {dir}",
        "Retry and check: {cli} BGSAVE; {cli} INFO persistence | grep rdb_last_bgsave_status",
        "Fork failures: set vm.overcommit_memory = 1 (sysctl vm.overcommit_memory=1)",
    ), {
        "misconf": ("Writes are refused with MISCONF while stop-writes-on-bgsave-error is yes. To accept "
                    "writes while you fix it (nothing is saved!): {cli} CONFIG SET stop-writes-on-bgsave-error no",),
    }),
    "aof-write-failing": Entry("Append-only file is failing ({what})", (
        LOG,
        "Check the AOF directory has space and is writable (on {host}): df -h {dir}; ls -ld {dir}",
        "Retry the rewrite and check: {cli} BGREWRITEAOF; {cli} INFO persistence | grep aof_last",
    )),
    "backup-stale": Entry("No successful save for {age}, with {changes} changes since", (
        "Save now: {cli} BGSAVE; then check: {cli} LASTSAVE",
        "Check the save rules: {cli} CONFIG GET save",
        "Copy the dump off the host after each save (e.g. cron: cp {dir}/{dbfilename} /backup/)",
    )),
    "no-high-availability": Entry("Single point of failure: no replica and no Sentinel", (
        "Add a replica on another host: replicaof {host} {port} in its redis.conf",
        "Let Sentinel fail over (3 instances): sentinel monitor mymaster {host} {port} 2",
        "Fine for a development box or a cache the application can live without",
    )),
    "replication-broken": Entry("Replication is broken: {what}", (
        REPLICATION,
        "Is the master up? redis-cli -h {master_host} -p {master_port}{tls_flag} ping",
        "If the master has a password, masterauth must match it ({conf_line[masterauth <password>]})",
        LOG,
    )),
    "rejected-connections": Entry("{rejected} connections rejected in {window}: max clients reached", (
        "Check the numbers: {cli} INFO clients", CLIENTS, MAXCLIENTS,
    )),
    "blocked-clients": Entry("{blocked} clients are blocked in a blocking command", (
        "See which: {cli} CLIENT LIST | grep -E "
        "'cmd=(blpop|brpop|blmove|brpoplpush|bzpopmin|bzpopmax|xread|xreadgroup|wait)'",
        "Normal for queue consumers; a growing number means producers stopped or consumers leak",
        "Unblock one: {cli} CLIENT UNBLOCK <id>",
    )),
    "low-hit-ratio": Entry("Cache hit ratio {ratio} over {lookups} lookups {when}", (
        "Keys may expire too soon or be evicted: {cli} INFO keyspace (avg_ttl); {cli} INFO stats | grep evicted_keys",
        "See which keys miss: redis-tui monitor {target_args} --command GET --duration 10",
        "Reads of keys that are never written (typos in key names) also miss",
    )),
    "slow-commands": Entry("{count} slow commands in the last {window} (slowest {slowest}: {command})", (
        "See them: {cli} SLOWLOG GET 10",
        "Replace O(N) commands on big keys: KEYS → SCAN, HGETALL/SMEMBERS → HSCAN/SSCAN, DEL → UNLINK",
        "What counts as slow: {cli} CONFIG GET slowlog-log-slower-than (µs)",
        "Clear it once fixed: {cli} SLOWLOG RESET",
    )),
    "client-output-buffer": Entry("Client {client} has {omem} of unsent replies (cmd={cmd})", (
        "Look at it: {cli} CLIENT LIST ID {client_id}",
        "Disconnect it: {cli} CLIENT KILL ID {client_id}",
        "A stuck MONITOR or a slow pub/sub consumer: fix the consumer, and cap buffers, e.g. "
        "{cli} CONFIG SET client-output-buffer-limit 'pubsub 32mb 8mb 60'",
    )),
    # --- cluster -------------------------------------------------------------------------
    "cluster-down": Entry("The cluster is down (cluster_state:fail as seen from {seen_from})", (
        "See why: {cli} CLUSTER INFO (cluster_slots_fail, cluster_slots_pfail) and {cli} CLUSTER NODES",
        "Check every node and the slot coverage: redis-cli --cluster check {host}:{port}",
        "A failed primary with no replica keeps its slots down until it is back: restart it, or add a replica",
    )),
    "cluster-slots-uncovered": Entry("{slots_uncovered} of 16384 hash slots have no node ({ranges})", (
        "Keys in those slots cannot be read or written; see the holes: redis-cli --cluster check {host}:{port}",
        "Give the slots back to a primary: {cli} CLUSTER ADDSLOTSRANGE <first> <last>, or redis-cli --cluster fix "
        "{host}:{port}",
        "Allow the other slots to serve meanwhile: {cli} CONFIG SET cluster-require-full-coverage no (on every node)",
    )),
    "cluster-node-failing": Entry("Cluster {role} {node} is failing ({why})", (
        "Is it up? redis-cli -h {node_host} -p {node_port}{tls_flag} ping; on its host: systemctl status {service}",
        "How the others see it: {cli} CLUSTER NODES (flags fail? = suspected by one node, fail = agreed by the "
        "majority)",
        "Once it is back it rejoins by itself; a node that is gone for good: {cli} CLUSTER FORGET <node-id> on every "
        "node",
    )),
    "cluster-no-replica": Entry("Primary {node} has no working replica: its slots are lost if it fails", (
        "Add a replica: start an empty node, {cli} CLUSTER MEET <ip> <port>, then on it CLUSTER REPLICATE {node_id}",
        "Or let redis-cli place one: redis-cli --cluster add-node <new-ip>:<port> {host}:{port} --cluster-slave",
    )),
    "cluster-skew": Entry("Primary {node} carries {what}", (
        "Find the hot or big keys on it: redis-tui analyze -h {node_host} -p {node_port} (and MONITOR on it)",
        "See the slots per primary: {cli} CLUSTER SHARDS; spread them: redis-cli --cluster rebalance {host}:{port}",
        "A single hot key, or many keys sharing one hash tag, cannot be split by resharding: change the key design",
    )),
    "cluster-failover": Entry("Failover: {new} replaced {old} as primary of {slots} slots", (
        "Why did {old} fail? Read its log, and {cli} CLUSTER NODES for its flags",
        "When {old} is back it rejoins as a replica of {new}; to give it its role back: "
        "redis-cli -h {old_host} -p {old_port}{tls_flag} CLUSTER FAILOVER",
        "Clients must follow MOVED replies (use a cluster-aware client)",
    )),
    # --- replication -----------------------------------------------------------------------
    "replica-lagging": Entry("Replica {replica} is {lag} behind its master and falling further behind", (
        "Compare both ends: {cli} INFO replication (slaveN offset against master_repl_offset), and "
        "redis-cli -h {replica_host} -p {replica_port}{tls_flag} INFO replication (slave_repl_offset, "
        "master_last_io_seconds_ago)",
        "Is the replica busy or starved? redis-cli -h {replica_host} -p {replica_port}{tls_flag} SLOWLOG GET 10 "
        "and INFO cpu (a slow command on a replica holds up the stream); check the network between the two hosts",
        "What the master holds for it: {cli} CLIENT LIST TYPE replica (omem); past {cli} CONFIG GET "
        "client-output-buffer-limit (the replica class) the master drops the replica and a full resync follows",
        "Make sure the backlog outlasts its delays: {cli} CONFIG GET repl-backlog-size",
    )),
    "replication-backlog-too-small": Entry(
        "{sync_full_in_window} full resync(s) in {window}: the replication backlog ({backlog}) is too small", (
            "A replica asked to resume (PSYNC) from an offset the backlog no longer held, so it copied the whole "
            "dataset again: {cli} INFO stats (sync_full, sync_partial_err) and the log ('lack of backlog')",
            "Make the backlog hold a few minutes of writes (this master writes {write_rate}/s): {cli} CONFIG SET "
            "repl-backlog-size {suggested} (and {conf_line[repl-backlog-size <bytes>]})",
            "Find why replicas disconnect: the network, repl-timeout, or the output buffer limit: {cli} CONFIG GET "
            "client-output-buffer-limit",
        )),
    # --- Sentinel ----------------------------------------------------------------------------
    "sentinel-quorum-lost": Entry("Sentinel cannot reach its quorum for {name}: no failover can happen", (
        "Ask a Sentinel: {sentinel_cli} SENTINEL CKQUORUM {name}",
        "Which Sentinels does it see, and how does it flag them (s_down: it cannot reach them): {sentinel_cli} "
        "SENTINEL SENTINELS {name}",
        "Start the Sentinels that are down, on their hosts: systemctl start {sentinel_service} (or {server_binary} "
        "/etc/{kind}/sentinel.conf --sentinel)",
        "Until then, if the master {master} fails nothing replaces it; it still serves: {cli} ROLE",
    )),
    "sentinel-unreachable": Entry("Sentinel {node} does not answer", (
        "Is it running? redis-cli -h {node_host} -p {node_port}{tls_flag} ping; on its host: systemctl status "
        "{sentinel_service}",
        "How the other Sentinels see it: {sentinel_cli} SENTINEL SENTINELS {name} (flags s_down, disconnected)",
        "Does the master still hear from it? {cli} CLIENT LIST (each Sentinel holds a sentinel-<id>-cmd connection)",
        "A Sentinel gone for good stays in the others' lists: on each remaining Sentinel, one at a time and 30 s "
        "apart, SENTINEL RESET {name}",
    )),
    "sentinel-master-down": Entry("Master {name} at {master} is down for the Sentinels ({flags})", (
        "Is it up? redis-cli -h {master_host} -p {master_port}{tls_flag} ping; on its host: systemctl status "
        "{service}",
        "What the Sentinels see: {sentinel_cli} SENTINEL MASTER {name} (flags, last-ok-ping-reply, "
        "down-after-milliseconds)",
        "With a quorum they promote a replica; follow it: {sentinel_cli} SENTINEL GET-MASTER-ADDR-BY-NAME {name}",
        LOG,
    )),
    "failover-happened": Entry("Failover: master {name} moved {old} → {new}", (
        "Why did {old} fail? Read its log (on {old_host}), and {sentinel_cli} SENTINEL MASTER {name}",
        "Check the new master: {cli} ROLE (master, with its replicas and their offsets)",
        "Clients must ask Sentinel where the master is ({sentinel_cli} SENTINEL GET-MASTER-ADDR-BY-NAME {name}), "
        "not connect to {old}",
        "When {old} is back it rejoins as a replica of {new}; to move the master back (a change: only when you mean "
        "it): {sentinel_cli} SENTINEL FAILOVER {name}",
    )),
}


NO_CONFIG_FILE = "(none)"  # context["config_file"] of a server started without a config file


class _Values(dict[str, Any]):
    """format_map mapping where a value nobody measured becomes a ``<placeholder>``."""

    def __missing__(self, key: str) -> str:
        return f"<{key}>"


def context(target: Target, kind: str = "redis", config_file: str | None = None) -> dict[str, str]:
    """Template values for `target`: host, port, cli, url_example… (never its password).

    `config_file` is the server's (INFO server ``config_file``): None when unknown (the
    usual path is assumed), ``""`` when the server runs without one.
    """
    cli = ["redis-cli"]
    if target.socket:
        cli += ["-s", target.socket]
        listen_check = f"ls -l {shlex.quote(target.socket)}; ss -xlp | grep {shlex.quote(target.socket)}"
        url = f"unix://:<password>@{target.socket}?db={target.db}"
        target_args = f"-s {shlex.quote(target.socket)}"
    else:
        cli += ["-h", target.host, "-p", str(target.port)]
        listen_check = f"ss -tlnp | grep :{target.port}"
        scheme = "rediss" if target.tls else "redis"
        user = target.username or ""
        url = f"{scheme}://{user}:<password>@{target.host}:{target.port}/{target.db}"
        target_args = f"-h {target.host} -p {target.port}" + (" --tls" if target.tls else "")
    if target.tls and not target.socket:
        cli.append("--tls")
    cli_server = list(cli)
    if target.db:
        cli += ["-n", str(target.db)]
        target_args += f" -n {target.db}"
    cli_admin = " ".join(cli)
    if target.username:
        cli += ["--user", target.username]
        target_args += f" --user {target.username}"
    cli_askpass = " ".join(cli + ["--askpass"])
    if target.username:
        cli_server += ["--user", target.username]
    if target.password:
        cli.append("--askpass")
        cli_server.append("--askpass")
    service = "valkey-server" if kind == "valkey" else "redis-server"
    return {
        "host": target.host if not target.socket else "localhost",
        "port": str(target.port),
        "db": str(target.db),
        "address": target.address,
        "cli": " ".join(cli),
        "cli_admin": cli_admin,
        "cli_askpass": cli_askpass,
        "cli_server": " ".join(cli_server),
        "tls_flag": " --tls" if target.tls and not target.socket else "",
        "target_args": target_args,
        "url_example": url,
        "listen_check": listen_check,
        "service": service,
        "conf": config_file or f"/etc/{kind}/{kind}.conf",
        "config_file": NO_CONFIG_FILE if config_file == "" else config_file or "",
        "user": target.username or "default",
    }


class _Setting(dict[str, str]):
    """``{conf_line[NAME VALUE]}`` / ``{keep[NAME VALUE]}``: how to make a setting outlast a restart."""

    def __init__(self, ctx: Mapping[str, str], keep: bool) -> None:
        super().__init__()
        self.ctx, self.keep = ctx, keep

    def __missing__(self, setting: str) -> str:
        if self.ctx.get("config_file") != NO_CONFIG_FILE:
            if self.keep:
                cli, conf = self.ctx["cli"], self.ctx["conf"]
                return f"Keep a CONFIG SET across restarts: {cli} CONFIG REWRITE (or edit {conf})"
            return f"{setting} in {self.ctx['conf']}"
        flag = f"{self.ctx['service']} --{setting}"
        if self.keep:
            return ("This server runs without a config file (config_file is empty in INFO server): a CONFIG SET is "
                    f"lost on restart and CONFIG REWRITE fails, so add the setting to its start command, e.g. {flag}")
        return f"{flag} at start-up, as it runs without a config file"


def fill(template: str, ctx: Mapping[str, Any]) -> str:
    """`template` filled from `ctx` (a `context` plus measured values); unknown names stay ``<name>``."""
    values = _Values({k: str(v) for k, v in ctx.items()})
    values["conf_line"] = _Setting(values, keep=False)
    values["keep"] = _Setting(values, keep=True)
    return template.format_map(values)


def render(finding_id: str, ctx: Mapping[str, Any], cases: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...]]:
    """(title, hints) for `finding_id`, filled from `ctx` (target context + measured values)."""
    entry = HINTS[finding_id]
    steps = [hint for case in cases for hint in entry.cases.get(case, ())]
    steps += entry.hints
    return fill(entry.title, ctx), tuple(fill(step, ctx) for step in steps)
