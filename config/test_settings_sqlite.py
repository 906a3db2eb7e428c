"""The test settings on the embedded default of ``make run`` (SQLite, eager Celery, local-memory cache).

The same as ``JIUZHU_TEST_SQLITE=1`` with ``config.test_settings``: ``pytest --ds config.test_settings_sqlite``.
"""
import os

os.environ["JIUZHU_TEST_SQLITE"] = "1"

from .test_settings import *  # noqa: E402,F403
