"""Explicit settings for the test suite: real PostgreSQL and Redis, never SQLite.

``make test`` passes ``DATABASE_URL`` and ``REDIS_URL``; these defaults are the
loopback services of a developer machine and CI. ``tests/conftest.py`` stops the
run at once, with a message, when either is unreachable.
"""
import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jiuzhu")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("DJANGO_DEBUG", "false")

from .settings import *  # noqa: E402,F403

# Fast hashing: the tests create many users; production keeps PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True
