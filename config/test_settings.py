"""Explicit settings for the test suite: real PostgreSQL and Redis, never SQLite by accident.

``make test`` passes ``DATABASE_URL`` and ``REDIS_URL``; these defaults are the
loopback services of a developer machine and CI. ``tests/conftest.py`` stops the
run at once, with a message, when either is unreachable.

``JIUZHU_TEST_SQLITE=1`` (or ``--ds config.test_settings_sqlite``) is the one explicit opt-in to the
embedded default of ``make run`` instead: SQLite, Celery eager, the local-memory cache. Only the
tests marked ``portable`` run then (tests/conftest.py); ``.ci/run`` runs them so.
"""
import os

TEST_SQLITE = os.environ.get("JIUZHU_TEST_SQLITE") == "1"
if TEST_SQLITE:
    os.environ["DATABASE_URL"] = ""  # settings.py: no DATABASE_URL → SQLite (pytest-django: in memory)
    os.environ["REDIS_URL"] = ""  # no REDIS_URL → tasks run eagerly, local-memory cache
else:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jiuzhu")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("DJANGO_DEBUG", "false")

from .settings import *  # noqa: E402,F403

# Fast hashing: the tests create many users; production keeps PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True

# Parallel runs (pytest-xdist, `make test` runs `-n 2`): pytest-django gives each worker its own
# database (test_<name>_gw0, _gw1…), but the workers share one Redis. Each worker gets its own cache
# key prefix (the page figures' generation key of common/cache.py would otherwise be reset by the
# other worker between a test's two requests) and its own Celery queue (a real worker started by one
# test must not take the tasks another test queued). A subprocess a test starts inherits
# PYTEST_XDIST_WORKER and so lands on the same prefix and queue.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER and not TEST_SQLITE:
    CACHES["default"]["KEY_PREFIX"] = f"test-{XDIST_WORKER}"  # noqa: F405
    CELERY_TASK_DEFAULT_QUEUE = f"celery-{XDIST_WORKER}"
