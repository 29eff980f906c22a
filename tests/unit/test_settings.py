from pathlib import Path

import pytest

from redis_tui.config_file import ConfigError, parse
from redis_tui.core.target import TargetError
from redis_tui.settings import UNSAFE_PASSWORD_WARNING, resolve

CONFIG = """
url = "redis://:filepw@file-host:6001/1"
interval = 2.5

[profiles.prod]
url = "rediss://prod-host:6380/0"
user = "monitor"
password = "prodpw"
cacert = "/etc/ssl/prod-ca.pem"

[profiles.local]
socket = "/run/redis.sock"
"""


def config():
    return parse(CONFIG, Path("/cfg/config.toml"))


def test_default_target_is_localhost():
    settings = resolve({}, {})
    assert settings.target.display() == "redis://localhost:6379/0"
    assert settings.interval == 1.0 and settings.write is False


def test_config_file_default_applies():
    settings = resolve({}, {}, config())
    assert (settings.target.host, settings.target.port, settings.target.db) == ("file-host", 6001, 1)
    assert settings.target.password == "filepw"
    assert settings.interval == 2.5


def test_profile_beats_file_default_and_its_url_replaces_the_identity():
    target = resolve({"profile": "prod"}, {}, config()).target
    assert (target.host, target.port, target.tls, target.username, target.password) == (
        "prod-host", 6380, True, "monitor", "prodpw")
    assert target.tls_files.cacert == "/etc/ssl/prod-ca.pem"


def test_profile_from_environment():
    assert resolve({}, {"REDIS_TUI_PROFILE": "local"}, config()).target.socket == "/run/redis.sock"


def test_environment_beats_profile_and_a_new_url_drops_the_profile_password():
    target = resolve({"profile": "prod"}, {"REDIS_URL": "redis://env-host:7000/3"}, config()).target
    assert (target.host, target.port, target.db, target.password, target.tls) == ("env-host", 7000, 3, None, False)


def test_command_line_beats_everything():
    settings = resolve({"url": "redis://cli-host:1/4", "interval": 0.5}, {"REDIS_URL": "redis://env:2/0",
                                                                         "REDIS_TUI_INTERVAL": "9"}, config())
    assert (settings.target.host, settings.target.port, settings.target.db) == ("cli-host", 1, 4)
    assert settings.interval == 0.5


def test_flags_override_parts_of_the_url():
    target = resolve({"url": "redis://h:1/0", "port": "6390", "db": "5", "user": "u", "password": "p"}, {}).target
    assert (target.host, target.port, target.db, target.username, target.password) == ("h", 6390, 5, "u", "p")


def test_host_flag_clears_a_socket_from_a_lower_level():
    target = resolve({"host": "tcp-host"}, {"REDIS_TUI_PROFILE": "local"}, config()).target
    assert target.socket is None and target.host == "tcp-host"


def test_rediscli_auth_is_the_password_unless_the_command_line_gave_one():
    assert resolve({"url": "redis://h"}, {"REDISCLI_AUTH": "envpw"}).target.password == "envpw"
    assert resolve({"password": "clipw"}, {"REDISCLI_AUTH": "envpw"}).target.password == "clipw"
    assert resolve({"url": "redis://:urlpw@h"}, {"REDISCLI_AUTH": "envpw"}).target.password == "urlpw"
    # env beats the profile's password
    assert resolve({"profile": "prod"}, {"REDISCLI_AUTH": "envpw"}, config()).target.password == "envpw"


def test_password_on_the_command_line_warns_like_redis_cli():
    assert UNSAFE_PASSWORD_WARNING in resolve({"password": "x"}, {}).warnings
    assert UNSAFE_PASSWORD_WARNING in resolve({"url": "redis://:x@h"}, {}).warnings
    assert resolve({"url": "redis://h"}, {"REDISCLI_AUTH": "x"}).warnings == ()


def test_unknown_profile_lists_the_known_ones():
    with pytest.raises(ConfigError, match=r"no profile named 'stage' \(profiles: local, prod\)"):
        resolve({"profile": "stage"}, {}, config())


def test_bad_values_are_target_errors():
    with pytest.raises(TargetError, match="port out of range"):
        resolve({"port": "70000"}, {})
    with pytest.raises(TargetError, match="database must be a number"):
        resolve({"db": "x"}, {})
    with pytest.raises(TargetError, match="REDIS_TUI_INTERVAL"):
        resolve({}, {"REDIS_TUI_INTERVAL": "soon"})
    with pytest.raises(TargetError, match="--master"):
        resolve({"sentinel": ["s1:26379"]}, {})


def test_sentinel_target():
    target = resolve({"sentinel": ["s1:26379", "s2"], "master": "mymaster"}, {}).target
    assert target.sentinel == (("s1", 26379), ("s2", 26379)) and target.master == "mymaster"
    assert target.display() == "sentinel://s1:26379,s2:26379/mymaster/0"
