"""Several targets on the command line and in the config file: a fleet of members, each its own target.

Everything here is the command line alone (no server): how a fleet is named, that each member keeps its
own credentials, and that anything wrong is one line and exit code 2 (3 for doctor) without a password.
"""

from __future__ import annotations

import pytest

from redis_tui import cli
from redis_tui.config_file import ConfigError
from redis_tui.core.target import TargetError

CONFIG = """
url = "redis://localhost:6379/0"
interval = 2.0
[profiles.cache]
url = "redis://:cachepw@cache.internal:6380/1"
interval = 9.0
[profiles.sessions]
url = "rediss://monitor:sesspw@sessions.internal:6390/0"
cacert = "/etc/ssl/ca.pem"
[fleet]
profiles = ["cache", "sessions"]
"""


def settings(argv: list[str], env: dict[str, str] | None = None):
    return cli.settings_from(cli.build_tui_parser().parse_intermixed_args(argv), env or {})


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    path.chmod(0o600)
    return str(path)


def test_several_urls_are_a_fleet_each_with_its_own_credentials():
    found = settings(["redis://:pw-one@10.0.0.1:6379/0", "--interval", "0.5", "redis://10.0.0.2:6380/3",
                      "unix:///run/redis.sock"], {"REDISCLI_AUTH": "from-env"})
    assert [m.name for m in found.fleet] == ["10.0.0.1:6379", "10.0.0.2:6380/3", "/run/redis.sock"]
    assert [m.addr for m in found.fleet] == [m.name for m in found.fleet]
    one, two, three = (m.target for m in found.fleet)
    assert one.password == "pw-one"  # its own URL's
    assert two.password == "from-env" and two.db == 3  # REDISCLI_AUTH: for each target without its own
    assert three.socket == "/run/redis.sock"
    assert found.interval == 0.5 and found.target == one
    assert all("pw-one" not in m.name and "pw-one" not in m.addr for m in found.fleet)


def test_connection_flags_apply_to_every_member():
    found = settings(["redis://10.0.0.1", "redis://10.0.0.2", "--user", "monitor", "-a", "shared", "--tls"])
    assert {(m.target.username, m.target.password, m.target.tls) for m in found.fleet} == {("monitor", "shared",
                                                                                           True)}


def test_several_profiles_are_a_fleet_named_by_profile(config):
    found = settings(["--config", config, "--profile", "sessions", "--profile", "cache"])
    assert [m.name for m in found.fleet] == ["sessions", "cache"]
    sessions, cache = (m.target for m in found.fleet)
    assert (sessions.host, sessions.port, sessions.tls, sessions.tls_files.cacert) == (
        "sessions.internal", 6390, True, "/etc/ssl/ca.pem")
    assert (cache.host, cache.port, cache.db, cache.password) == ("cache.internal", 6380, 1, "cachepw")
    assert found.interval == 2.0  # the top level's: a profile's interval is its own when it is watched alone


def test_the_config_files_fleet_is_the_default_and_anything_naming_one_server_wins(config):
    assert [m.name for m in settings(["--config", config]).fleet] == ["cache", "sessions"]
    assert settings(["--config", config, "redis://h:1"]).fleet == ()
    assert settings(["--config", config, "--profile", "cache"]).fleet == ()
    assert settings(["--config", config, "-p", "7000"]).fleet == ()
    assert settings(["--config", config], {"REDIS_URL": "redis://h:2"}).fleet == ()


def test_one_url_and_one_profile_stay_one_target(config):
    found = settings(["--config", config, "--profile", "cache", "redis://other:7000"])
    assert found.fleet == () and (found.target.host, found.interval) == ("other", 9.0)


def test_a_member_given_twice_and_one_server_flags_are_refused():
    with pytest.raises(TargetError, match="the same server twice in the fleet: h:1"):
        settings(["redis://h:1", "redis://:x@h:1/0"])
    with pytest.raises(TargetError, match="-h/--host names one server"):
        settings(["-h", "x", "redis://h:1", "redis://h:2"])


def test_fleet_naming_a_missing_profile_names_the_file_and_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[profiles.a]\nurl = "redis://a"\n\n[fleet]\nprofiles = ["a", "b"]\n')
    with pytest.raises(ConfigError, match=rf"{path}:5: \[fleet\] profiles: no profile named 'b' \(profiles: a\)"):
        settings(["--config", str(path)])


@pytest.mark.parametrize("argv, code, words", [
    (["redis://:hunter2@a:6379", "redis://:hunter2@b:notaport"], 2, "port must be a number, got 'notaport'"),
    (["doctor", "redis://:hunter2@a:6379", "http://:hunter2@b"], 3, "unknown URL scheme 'http://'"),
    (["monitor", "redis://:hunter2@a:6379", "redis://b:6379"], 2, "one server at a time, got 2 (a:6379, b:6379)"),
    (["analyze", "redis://:hunter2@a:6379", "redis://b:6379"], 2, "one server at a time, got 2"),
    (["-c", "redis://:hunter2@a:6379", "redis://b:6379"], 2, "-c/--cluster watches one cluster"),
])
def test_bad_fleets_are_one_line_and_never_show_a_password(capsys, argv, code, words):
    assert cli.main(argv) == code
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if not line.startswith("Warning: Using a password")]
    assert len(lines) == 1 and words in lines[0]
    assert "hunter2" not in err
