"""`make run` writes a development .env that every manage.py command reads; a server has none.

A checkout set up by `make run` runs `python manage.py send_reminders --dry-run` and the other
README commands as written, while a process started with no settings and no .env still refuses
to start in debug mode.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sonmai.lib.env import (
    ENV_FILE_VARIABLE,
    Env,
    read_env_file,
    write_development_env,
)

ROOT = Path(__file__).resolve().parents[2]
# What a shell may carry that would configure the process behind the .env's back.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "EMAIL_URL",
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    ENV_FILE_VARIABLE,
}


def manage(args: list[str], env_file: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """``python manage.py ARGS`` with nothing configured but the given .env file."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    clean |= {"DJANGO_SETTINGS_MODULE": "sonmai.settings", ENV_FILE_VARIABLE: str(env_file)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | extra,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRINT_SETTINGS = "from django.conf import settings; print(settings.DEBUG, len(settings.SECRET_KEY))"


def test_a_checkout_set_up_by_make_run_runs_manage_py_without_setting_anything(tmp_path):
    env_file = tmp_path / ".env"
    assert write_development_env(env_file)

    checked = manage(["check"], env_file)
    assert checked.returncode == 0, checked.stderr
    assert "System check identified no issues" in checked.stdout

    shown = manage(["shell", "-c", PRINT_SETTINGS], env_file)
    debug, key_length = shown.stdout.splitlines()[-1].split()
    assert debug == "True"
    assert int(key_length) >= 50


def test_a_server_with_no_settings_and_no_env_file_refuses_to_start(tmp_path):
    nothing = tmp_path / "empty.env"
    nothing.write_text("")

    result = manage(["check"], nothing)

    assert result.returncode != 0
    assert "Environment variable SECRET_KEY is required" in result.stderr


def test_the_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    write_development_env(env_file)

    # DEBUG=0 from the environment: the .env's DEBUG=1 does not switch production into debug,
    # and production's required settings are asked for.
    result = manage(["check"], env_file, DEBUG="0")

    assert result.returncode != 0
    assert "Environment variable EMAIL_URL is required" in result.stderr


def test_a_named_env_file_that_does_not_exist_stops_the_process(tmp_path):
    result = manage(["check"], tmp_path / "missing.env")

    assert result.returncode != 0
    assert f"{ENV_FILE_VARIABLE}={tmp_path / 'missing.env'} cannot be read" in result.stderr


class TestEnvFile:
    def test_make_run_writes_the_file_once_readable_by_its_owner_only(self, tmp_path):
        env_file = tmp_path / ".env"

        assert write_development_env(env_file) is True
        first = env_file.read_text()
        assert write_development_env(env_file) is False

        assert env_file.read_text() == first
        assert env_file.stat().st_mode & 0o777 == 0o600
        values = read_env_file(env_file)
        assert values["DEBUG"] == "1"
        assert len(values["SECRET_KEY"]) >= 50
        # Each checkout gets a key of its own.
        other = tmp_path / "other.env"
        write_development_env(other)
        assert read_env_file(other)["SECRET_KEY"] != values["SECRET_KEY"]

    def test_lines_comments_quotes_and_export_are_read(self, tmp_path):
        env_file = tmp_path / ".env"
        env_file.write_text(
            "# a comment\n"
            "\n"
            "DEBUG=1\n"
            "export SITE_URL=http://127.0.0.1:8000\n"
            'DEFAULT_FROM_EMAIL="Cổng xã <no-reply@example.vn>"\n'
            "EMPTY=\n"
            "QUOTED='a # b'\n",
            encoding="utf-8",
        )

        assert read_env_file(env_file) == {
            "DEBUG": "1",
            "SITE_URL": "http://127.0.0.1:8000",
            "DEFAULT_FROM_EMAIL": "Cổng xã <no-reply@example.vn>",
            "EMPTY": "",
            "QUOTED": "a # b",
        }

    def test_a_line_that_is_not_an_assignment_is_refused_with_its_number(self, tmp_path):
        env_file = tmp_path / ".env"
        env_file.write_text("DEBUG=1\nthis is not a setting\n")

        with pytest.raises(ImproperlyConfigured, match=r"line 2: expected NAME=value"):
            read_env_file(env_file)

    def test_the_project_file_is_read_only_when_it_exists(self, tmp_path):
        env_file = tmp_path / ".env"

        assert Env.for_project({}, default_file=env_file).bool("DEBUG", False) is False

        env_file.write_text("DEBUG=1\nSECRET_KEY=from-the-file\n")
        env = Env.for_project({"SECRET_KEY": "from-the-environment"}, default_file=env_file)
        assert env.bool("DEBUG", False) is True
        assert env.str("SECRET_KEY") == "from-the-environment"

    def test_an_empty_variable_in_the_environment_still_wins(self, tmp_path):
        env_file = tmp_path / ".env"
        env_file.write_text("SECRET_KEY=from-the-file\n")

        env = Env.for_project({"SECRET_KEY": ""}, default_file=env_file)

        with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required"):
            env.str("SECRET_KEY")

    def test_the_variable_names_another_file_and_dev_null_reads_none(self, tmp_path):
        named = tmp_path / "elsewhere.env"
        named.write_text("DEBUG=1\n")
        project = tmp_path / ".env"
        project.write_text("DEBUG=0\n")

        assert Env.for_project({ENV_FILE_VARIABLE: str(named)}, default_file=project).bool(
            "DEBUG", False
        )
        assert not Env.for_project({ENV_FILE_VARIABLE: os.devnull}, default_file=project).bool(
            "DEBUG", False
        )
