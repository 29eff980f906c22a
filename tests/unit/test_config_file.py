import re
from pathlib import Path

import pytest

from redis_tui.config_file import ConfigError, check_permissions, load, parse

P = Path("/etc/redis-tui.toml")


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse(text, P)
    return str(info.value)


def test_toml_syntax_error_names_file_and_line():
    message = error_of('url = "redis://h"\ninterval = \n')
    assert message.startswith("/etc/redis-tui.toml:2: TOML error")


def test_unknown_top_level_key_names_its_line():
    message = error_of('url = "redis://h"\n\nintervall = 2\n')
    assert message.startswith("/etc/redis-tui.toml:3: unknown key 'intervall'")


def test_unknown_key_in_profile_names_its_line():
    message = error_of('[profiles.prod]\nurl = "redis://h"\nhots = "x"\n')
    assert message.startswith("/etc/redis-tui.toml:3: unknown key 'hots' in [profiles.prod]")


def test_wrong_type_says_what_is_expected():
    message = error_of("[profiles.a]\nport = 99999\n")
    assert message == "/etc/redis-tui.toml:2: [profiles.a] port must be a port number 1-65535, got 99999"
    assert "interval must be seconds" in error_of("interval = -1\n")
    assert "write must be true or false" in error_of('write = "yes"\n')


def test_missing_default_file_is_fine_but_an_explicit_one_is_not(tmp_path):
    assert load(tmp_path / "nope.toml", required=False).profiles == {}
    with pytest.raises(ConfigError, match="config file not found"):
        load(tmp_path / "nope.toml", required=True)


def test_world_readable_file_with_password_warns(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('url = "redis://:pw@h"\n')
    path.chmod(0o644)
    assert "chmod 600" in check_permissions(path, load(path, True))
    path.chmod(0o600)
    assert check_permissions(path, load(path, True)) is None


def test_config_example_is_valid_and_documents_every_key():
    from redis_tui.config_file import SECTIONS, TOP_LEVEL

    path = Path(__file__).resolve().parents[2] / "config.example.toml"
    text = path.read_text()
    parse(text, path)  # the example itself is a valid config
    for key in TOP_LEVEL:
        assert re.search(rf"^#? ?{key} = ", text, re.M), f"{key} is not documented in config.example.toml"
    for section, keys in SECTIONS.items():
        body = text[text.index(f"[{section}]"):]
        for key in keys:
            assert re.search(rf"^#? ?{key} = ", body, re.M), f"[{section}] {key} is not documented"
