"""Production settings: refuse to start without a secret, and pass `check --deploy`."""
import os
import subprocess
import sys

from django.conf import settings


def run_manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"}}
    base.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=base,
                          capture_output=True, text=True)


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_ENV="production",
                        SECRET_KEY="k" * 20 + "Zq8#pL2@vX9!mN4$wR7&yT1*uI6^oP3%", ALLOWED_HOSTS="jiuzhu.example.gov.cn")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="jiuzhu.example.gov.cn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_with_an_empty_or_weak_secret_key():
    for weak in ("", "short", "a" * 80, "django-insecure-" + "x1y2z3w4v5" * 6):
        result = run_manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="jiuzhu.example.gov.cn", SECRET_KEY=weak)
        assert result.returncode != 0, weak
        assert "SECRET_KEY" in result.stderr, weak
