import pytest

from redis_tui.core.target import Target, TargetError, mask_url, parse_hostport, parse_url, scrub


@pytest.mark.parametrize(
    "url, expected",
    [
        ("redis://localhost", {"host": "localhost", "tls": False, "socket": None}),
        ("redis://:s3cret@cache:6380/2", {"host": "cache", "port": 6380, "db": 2, "password": "s3cret"}),
        ("redis://alice:pw@h:1/0", {"host": "h", "port": 1, "db": 0, "username": "alice", "password": "pw"}),
        ("rediss://h:6390", {"host": "h", "port": 6390, "tls": True}),
        ("redis://[::1]:7000/3", {"host": "::1", "port": 7000, "db": 3}),
        ("unix:///run/redis.sock?db=4", {"socket": "/run/redis.sock", "db": 4}),
        ("redis://h/?db=5", {"host": "h", "db": 5}),
        ("redis://:p%40ss%3A@h", {"password": "p@ss:"}),
    ],
)
def test_parse_url(url, expected):
    parsed = parse_url(url)
    for key, value in expected.items():
        assert parsed[key] == value


@pytest.mark.parametrize(
    "url, words",
    [
        ("http://h:6379", "unknown URL scheme 'http://'"),
        ("redis://h:70000", "port out of range"),
        ("redis://h:0", "port out of range"),
        ("redis://h/abc", "database must be a number"),
        ("localhost:6379", "not a URL"),
        ("unix://", "without a socket path"),
        ("", "empty URL"),
    ],
)
def test_bad_urls_say_what_is_wrong(url, words):
    with pytest.raises(TargetError, match=words):
        parse_url(url)


def test_bad_url_message_never_contains_the_password():
    with pytest.raises(TargetError) as info:
        parse_url("redis://:hunter2@h:99999")
    assert "hunter2" not in str(info.value)
    assert "***" in str(info.value)


def test_display_masks_password_and_repr_does_too():
    target = Target(host="cache", port=6380, db=2, username="bob", password="hunter2")
    assert target.display() == "redis://bob:***@cache:6380/2"
    assert "hunter2" not in repr(target) and "hunter2" not in str(target)
    assert Target(password="x").display() == "redis://:***@localhost:6379/0"
    assert Target(socket="/tmp/r.sock", db=1).display() == "unix:///tmp/r.sock?db=1"
    assert Target(host="::1", tls=True).display() == "rediss://[::1]:6379/0"


def test_mask_and_scrub():
    assert mask_url("Error for redis://:pw@h:1/0 and rediss://u:p2@x") == "Error for redis://:***@h:1/0 and rediss://u:***@x"
    assert scrub("AUTH failed for hunter2", ("hunter2",)) == "AUTH failed for ***"


def test_parse_hostport():
    assert parse_hostport("s1:26380") == ("s1", 26380)
    assert parse_hostport("s1") == ("s1", 26379)
    assert parse_hostport("[fe80::1]:5") == ("fe80::1", 5)
    with pytest.raises(TargetError):
        parse_hostport("a:b:c")
