"""Settings come from the environment and refuse bad values loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sonmai.lib.env import Env, parse_email_url

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x9!k2@q#s8$z7%v6^b5&n4*m3(l2)p1_o0-i9=u8+y7t6r5e4w3q2a1s",
    "ALLOWED_HOSTS": "sonmai.example.gov.vn",
    "SITE_URL": "https://sonmai.example.gov.vn",
    "EMAIL_URL": "smtp://mail.example.gov.vn:587?tls=1",
    "DATABASE_URL": "postgres://portal@db.example.gov.vn:5432/sonmai",
}


def run_django(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    inherited_out = set(PRODUCTION) | {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in inherited_out}
    clean["DJANGO_SETTINGS_MODULE"] = "sonmai.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class TestEnv:
    def test_booleans_accept_the_usual_spellings_and_refuse_others(self):
        env = Env({"A": "yes", "B": "0", "C": "maybe"})
        assert env.bool("A", False) is True
        assert env.bool("B", True) is False
        assert env.bool("MISSING", True) is True
        with pytest.raises(ImproperlyConfigured, match="C='maybe' is not a boolean"):
            env.bool("C", False)

    def test_integers_and_required_values_fail_loudly(self):
        env = Env({"N": "12x", "M": "-1"})
        with pytest.raises(ImproperlyConfigured, match="not an integer"):
            env.int("N", 1)
        with pytest.raises(ImproperlyConfigured, match="at least 0"):
            env.int("M", 1, minimum=0)
        with pytest.raises(ImproperlyConfigured, match="REQUIRED is required"):
            env.str("REQUIRED")

    def test_urls_must_have_an_allowed_scheme(self):
        with pytest.raises(ImproperlyConfigured, match="scheme 'mysql'"):
            Env({"DATABASE_URL": "mysql://x/y"}).url("DATABASE_URL", {"postgres", "sqlite"})

    def test_email_url_becomes_smtp_settings(self):
        parsed = parse_email_url("smtp://user:p%40ss@mail.example:587?tls=1")
        assert parsed["EMAIL_HOST"] == "mail.example"
        assert parsed["EMAIL_PORT"] == 587
        assert parsed["EMAIL_HOST_PASSWORD"] == "p@ss"
        assert parsed["EMAIL_USE_TLS"] is True
        assert parse_email_url("file:///srv/mail")["EMAIL_FILE_PATH"] == "/srv/mail"
        with pytest.raises(ImproperlyConfigured):
            parse_email_url("smtp://h?tls=1&ssl=1")
        with pytest.raises(ImproperlyConfigured):
            parse_email_url("pigeon://coop")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is required"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be a random string"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is required"),
        ({"DATABASE_URL": "mysql://db/sonmai"}, "DATABASE_URL has scheme 'mysql'"),
        ({"REDIS_URL": "http://redis"}, "REDIS_URL has scheme 'http'"),
        ({"DEBUG": "perhaps"}, "DEBUG='perhaps' is not a boolean"),
        ({"EMAIL_URL": ""}, "EMAIL_URL is required"),
    ],
)
def test_production_settings_refuse_bad_values(change, message):
    result = run_django(["check"], PRODUCTION | change)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_values_pass_the_deployment_checklist():
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_embedded_default_needs_no_configuration_in_debug():
    result = run_django(["check"], {"DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def hsts_preload(env: dict[str, str]) -> str:
    code = "from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    return run_django(["shell", "-c", code], PRODUCTION | env).stdout.split()[-1]


def test_hsts_preload_only_when_asked():
    assert hsts_preload({}) == "False"
    assert hsts_preload({"SECURE_HSTS_PRELOAD": "1"}) == "True"


def test_a_refused_request_is_logged_in_one_line_without_a_traceback(cast, client_for, caplog):
    from django.urls import reverse

    with caplog.at_level("WARNING", logger="django.request"):
        response = client_for(cast.hamlet_head_a).get(reverse("directives:directive_create"))
    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /van-ban/moi/"
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_the_embedded_broker_makes_its_folders_on_a_fresh_machine(tmp_path):
    """``make run`` starts the worker on a checkout with no var/ yet: the file broker's folders
    must exist before the worker reads its queue."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    code = "from sonmai.celery import app; print(app.conf.broker_url)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env | {"DEBUG": "1", "VAR_DIR": str(tmp_path / "var")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("filesystem://")
    for folder in ("queue", "processed"):
        assert (tmp_path / "var" / "broker" / folder).is_dir()
