"""Error messages users read: one plain sentence, the right reason, and never the password."""

from __future__ import annotations

import pytest
import redis.exceptions as rex

from redis_tui import config_file
from redis_tui.config_file import ConfigError
from redis_tui.core.errors import classify
from redis_tui.core.target import Target, TargetError, parse_url
from redis_tui.settings import resolve

SECRET = "Sup3r-s3cret"
BAD_URLS = [  # (URL with a password, words of the message)
    (f"redis://:{SECRET}@h:notaport/0", "port must be a number, got 'notaport'"),
    (f"redis://u:{SECRET}@[::1]:x/0", "port must be a number, got 'x'"),
    (f"redis://:{SECRET}@h:99999/0", "port out of range"),
    (f"redis://:{SECRET}@h:0", "port out of range"),
    (f"redis://:{SECRET}@h:1/abc", "database must be a number, got 'abc'"),
    (f"redis://:{SECRET}@h:1?db=x", "database must be a number, got 'x'"),
    (f"unix://:{SECRET}@/tmp/r.sock?db=x", "database must be a number, got 'x'"),
    (f"http://:{SECRET}@h:1", "unknown URL scheme 'http://'"),
    (f"redis://:{SECRET}@[::1/0", "invalid URL"),
]


def test_a_port_that_is_not_a_number_says_so():
    with pytest.raises(TargetError, match="port must be a number, got 'notaport' in 'redis://localhost:notaport'"):
        parse_url("redis://localhost:notaport")
    assert parse_url("redis://localhost:")["host"] == "localhost"  # an empty port is the default port


@pytest.mark.parametrize(("url", "words"), BAD_URLS)
def test_bad_url_errors_quote_the_url_masked(url, words):
    with pytest.raises(TargetError) as info:
        parse_url(url)
    message = str(info.value)
    assert words in message and SECRET not in message
    assert ":***@" in message  # the URL is quoted, with its password masked


@pytest.mark.parametrize(("url", "words"), BAD_URLS)
def test_settings_errors_never_show_the_password(url, words, tmp_path):
    for cli, env in (({"url": url}, {}), ({}, {"REDIS_URL": url})):
        with pytest.raises(TargetError) as info:
            resolve(cli, env)
        assert words in str(info.value) and SECRET not in str(info.value)
    path = tmp_path / "config.toml"
    path.write_text(f"url = {url!r}\n")
    with pytest.raises(ConfigError) as info:
        resolve({}, {}, config_file.load(path, True))
    assert words in str(info.value) and SECRET not in str(info.value) and ":***@" in str(info.value)


def test_a_bad_db_flag_never_shows_the_password():
    with pytest.raises(TargetError) as info:
        resolve({"url": f"redis://:{SECRET}@h:1/0", "db": "x"}, {})
    assert "database must be a number, got 'x'" in str(info.value) and SECRET not in str(info.value)


@pytest.mark.parametrize("exc", [
    rex.AuthenticationError(f"WRONGPASS invalid username-password pair for {SECRET}"),
    rex.ConnectionError(f"Error 111 connecting to redis://:{SECRET}@db:6379. Connection refused."),
    rex.ResponseError(f"ERR unknown command 'AUTH {SECRET}'"),
])
def test_error_details_are_scrubbed(exc):
    target = Target(host="db", password=SECRET)
    problem = classify(exc, target)
    assert SECRET not in problem.detail and "***" in problem.detail
    assert SECRET not in problem.summary


def chained(outer: BaseException, *causes: BaseException) -> BaseException:
    """`outer` raised while handling each of `causes` (innermost last), as asyncio and redis-py do."""
    current = outer
    for cause in causes:
        current.__context__ = cause
        current = cause
    return outer


@pytest.mark.parametrize(("exc", "detail"), [
    (chained(rex.TimeoutError("Timeout reading from db:6379"), TimeoutError(), __import__("asyncio").CancelledError()),
     "Timeout reading from db:6379"),
    (chained(rex.ConnectionError("Error 111 connecting to db:6379. Connect call failed ('10.0.0.1', 6379)."),
             ConnectionRefusedError(111, "Connect call failed ('10.0.0.1', 6379)")),
     "Connecting to db:6379 failed: Connection refused (errno 111)"),
    (rex.ResponseError("DB index is out of range"), "DB index is out of range"),
    (rex.ConnectionError("Error while reading from db:6379 : (104, 'Connection reset by peer')"),
     "Reading from db:6379 failed: Connection reset by peer (errno 104)"),
])
def test_details_are_one_plain_sentence(exc, detail):
    assert classify(exc, Target(host="db")).detail == detail


def test_db_index_out_of_range_is_its_own_finding():
    problem = classify(rex.ResponseError("DB index is out of range"), Target(host="db", db=99))
    assert (problem.id, problem.summary) == ("db-out-of-range", "database 99 does not exist on db:6379")
