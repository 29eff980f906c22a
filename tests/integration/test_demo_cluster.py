"""--demo --cluster: a small real cluster with the demo workload through a cluster client; nothing left behind."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap

import redis

from redis_tui.demo.run import run_demo
from tests.integration.test_demo import wait_for


def test_demo_cluster_spreads_the_workload_and_leaves_nothing_behind():
    seen: dict = {}

    def watch(settings, notices):
        seed = redis.Redis(host=settings.target.host, port=settings.target.port)
        nodes = seed.cluster("nodes")
        primaries = [addr for addr, node in nodes.items() if "master" in node["flags"]]
        assert len(nodes) == 6 and len(primaries) == 3
        clients = [redis.Redis(host=a.split(":")[0], port=int(a.split(":")[1].split("@")[0])) for a in primaries]
        wait_for(lambda: all(c.dbsize() > 0 for c in clients), 30)  # keys on every primary
        wait_for(lambda: any("api-cache-1" in {x["name"] for x in c.client_list()} for c in clients))
        seen.update(dirs=[c.config_get("dir")["dir"] for c in clients], notices=notices,
                    state=seed.cluster("info")["cluster_state"])
        return 5

    code = run_demo(argparse.Namespace(interval=0.5, write=False, cluster=True), watch=watch)
    assert code == 5
    assert seen["state"] == "ok"
    assert "a cluster of 6" in seen["notices"][0]
    assert not any(os.path.exists(d) for d in seen["dirs"])


def test_watchdog_stops_every_node_when_the_dashboard_is_killed():
    script = textwrap.dedent("""
        import os, sys
        from redis_tui.demo.cluster import LocalCluster
        from redis_tui.demo.run import DEMO_CONFIG, start_workload
        cluster = LocalCluster(primaries=3, replicas=0, config=DEMO_CONFIG).start()
        start_workload(cluster.nodes[0], cluster.nodes[1:], cluster=True)
        print(" ".join(f"{n.port}={n.dir}" for n in cluster.nodes), flush=True)
        sys.stdin.readline()
        os._exit(9)  # no cleanup at all, like SIGKILL
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=os.getcwd())
    nodes = dict(item.split("=") for item in parent.stdout.readline().split())
    assert len(nodes) == 3
    wait_for(lambda: all(redis.Redis(port=int(p)).dbsize() > 0 for p in nodes), 30)
    parent.stdin.write("\n")
    parent.stdin.flush()
    parent.wait(5)
    wait_for(lambda: not any(os.path.exists(d) for d in nodes.values()), 20)
