"""The command line as a user meets it: one line and exit 2 for anything wrong, never a traceback."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*args, env=None, timeout=20):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("REDIS")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "redis_tui", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=ROOT)


@pytest.mark.parametrize(
    "args, words",
    [
        (["http://h:1"], "unknown URL scheme 'http://'"),
        (["redis://h:99999"], "port out of range"),
        (["-p", "0"], "port out of range"),
        (["-n", "abc"], "database must be a number"),
        (["--interval", "0"], "argument --interval: expected seconds, a number above 0, got '0'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["redis://h", "-u", "redis://x"], "give the URL once"),
        (["--profile", "nope"], "no profile named 'nope'"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, words):
    result = run(*args)
    assert result.returncode == 2
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_bad_url_never_echoes_the_password():
    result = run("redis://:hunter2@h:99999")
    assert result.returncode == 2 and "hunter2" not in result.stderr and "***" in result.stderr


def test_config_errors_name_file_and_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('interval = 1\n[profiles.x]\nurl = "redis://h"\ncolour = "red"\n')
    result = run("--config", str(path))
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"redis-tui: {path}:4: unknown key 'colour' in [profiles.x]")
    path.write_text("interval = [\n")
    result = run(env={"REDIS_TUI_CONFIG": str(path)})
    assert result.returncode == 2 and f"{path}:1: TOML error" in result.stderr
    assert run("--config", str(tmp_path / "missing.toml")).returncode == 2


def test_default_config_location_follows_xdg(tmp_path):
    (tmp_path / "redis-tui").mkdir()
    (tmp_path / "redis-tui" / "config.toml").write_text("nonsense = 1\n")
    result = run(env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 2 and "unknown key 'nonsense'" in result.stderr


def test_help_and_version():
    result = run("--help")
    assert result.returncode == 0 and "-h HOST, --host HOST" in result.stdout and "--demo" in result.stdout
    assert run("--version").stdout.startswith("redis-tui ")
