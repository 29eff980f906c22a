"""The embedded server survives a port taken between picking it and binding it."""

from __future__ import annotations

import socket

import pytest

from redis_tui.demo.server import EmbeddedServer, ServerError


def _occupy() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def test_a_port_taken_before_the_server_binds_it_is_replaced(server_kind):
    taken = _occupy()
    server = EmbeddedServer(server_kind)
    server.port = taken.getsockname()[1]  # as if another process won the race for the picked port
    try:
        server.start()
        assert server.port != taken.getsockname()[1]
        assert server.answers()
        port = server.port
        server.restart()
        assert server.port == port  # a running server's port never moves
    finally:
        server.close()
        taken.close()


def test_a_port_the_caller_gave_is_never_changed(server_kind):
    taken = _occupy()
    server = EmbeddedServer(server_kind, port=taken.getsockname()[1])
    try:
        with pytest.raises(ServerError, match="Address already in use"):
            server.start()
    finally:
        server.close()
        taken.close()
