"""The test harness: real PostgreSQL and Redis, the real region tree, users of every role.

The suite refuses to run, loudly, when PostgreSQL or Redis is unreachable or
when the database is not PostgreSQL: nothing is skipped silently.

One explicit exception: ``JIUZHU_TEST_SQLITE=1`` runs the tests marked ``portable`` on the embedded
default of ``make run`` (SQLite, eager Celery, local-memory cache; config/test_settings.py). The other
tests are deselected, and a portable test that needs PostgreSQL all the same says why with
``@pytest.mark.postgres_only("reason")``: it is shown as skipped with that reason.
"""
from __future__ import annotations

import os

import pytest
from django.conf import settings

from accounts.choices import Role

BOSHAN = "370304"
QIANJIANG = "500114"  # a second district, for cross-district checks
TOWNSHIP_A = "370304102000"  # 域城镇
TOWNSHIP_B = "370304001000"  # 城东街道


def sqlite_run() -> bool:
    """The explicit SQLite opt-in (JIUZHU_TEST_SQLITE=1) is on, and the database is SQLite."""
    return getattr(settings, "TEST_SQLITE", False) and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def _service_problems() -> list[str]:
    if sqlite_run():
        return []  # SQLite in memory, tasks eager, cache in memory: nothing outside to reach
    problems = []
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        problems.append(f"The tests need PostgreSQL, but DATABASE_URL points to {db['ENGINE']} "
                        "(the portable tests run on SQLite only with JIUZHU_TEST_SQLITE=1).")
    else:
        import psycopg

        try:
            psycopg.connect(host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432,
                            user=db.get("USER") or "postgres", password=db.get("PASSWORD") or None,
                            dbname="postgres", connect_timeout=3).close()
        except psycopg.Error as exc:
            problems.append(
                f"PostgreSQL at {db.get('HOST')}:{db.get('PORT')} is unreachable ({exc}). Start it with: "
                "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start")
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means the same thing here
        problems.append(
            f"Redis at {settings.REDIS_URL} is unreachable ({exc}). Start it with: "
            "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no")
    return problems


def pytest_sessionstart(session):
    debug_wanted = os.environ.get("DJANGO_DEBUG", "").lower() in {"1", "true", "yes", "on"}
    if debug_wanted and session.config.getini("django_debug_mode") != "keep":
        pytest.exit("DJANGO_DEBUG=true, but pytest-django turns DEBUG off in tests: add -o django_debug_mode=keep "
                    "(as .ci/run does) for a run with DEBUG on.", returncode=4)
    problems = _service_problems()
    if problems:
        pytest.exit("Test services are not available:\n  " + "\n  ".join(problems), returncode=3)


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    return [f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({'portable tests only, JIUZHU_TEST_SQLITE=1' if sqlite_run() else db.get('NAME')}); "
            f"DEBUG={settings.DEBUG}; cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"]


def pytest_collection_modifyitems(config, items):
    if not sqlite_run():
        return
    kept, dropped = [], []
    for item in items:
        (kept if item.get_closest_marker("portable") else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    for item in kept:
        marker = item.get_closest_marker("postgres_only")
        if marker:
            reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "needs PostgreSQL")
            item.add_marker(pytest.mark.skip(reason=f"PostgreSQL only: {reason}"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real region tree of two districts once for the whole session."""
    from accounts.regions import regions_load

    with django_db_blocker.unblock():
        regions_load(district_code=BOSHAN)
        regions_load(district_code=QIANJIANG)


OUR_APPS = ("accounts", "common", "referrals", "cases", "intake", "ledgers")
DB_FIXTURES = {"db", "transactional_db", "regions", "world", "users", "live_server"}


def reference_data_load() -> None:
    """Run our data migrations' RunPython steps again (tags, relief kinds, causes, feeds, kinds…)."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connection)
    plan = []
    for leaf in loader.graph.leaf_nodes():
        for key in loader.graph.forwards_plan(leaf):
            if key not in plan:
                plan.append(key)
    with connection.schema_editor(atomic=False) as editor:
        for key in plan:
            if key[0] not in OUR_APPS:
                continue
            for operation in loader.graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, editor)


@pytest.fixture(autouse=True)
def _reference_data(request, django_db_blocker):
    """Reference rows from data migrations are there for every database test.

    A transactional test (a live server, a real Celery worker) ends with a flush that empties
    every table; the tests after it would otherwise find the reference data missing.
    """
    if not (request.node.get_closest_marker("django_db") or DB_FIXTURES & set(request.fixturenames)):
        return
    from cases.models import ReliefKind, VulnerabilityTag

    with django_db_blocker.unblock():
        if not (VulnerabilityTag.objects.exists() and ReliefKind.objects.exists()):
            reference_data_load()


@pytest.fixture(autouse=True)
def _fresh_figures():
    """Figures kept in the cache for a minute (home-page counts, filter choices: common.cache.remember)
    were computed from another test's rows: every test starts without them."""
    from common.cache import forget_figures
    from common.circuit import reset_all

    reset_all()  # a test that made a Redis fail leaves no pause behind (common/circuit.py)
    forget_figures()
    # A test that builds its own Celery app (a broker that is down or hung) must not leave it as the current
    # app: shared tasks would publish to its dead port in whichever test runs next on this worker.
    from config.celery import app

    app.set_current()
    app.set_default()


@pytest.fixture
def regions(db):
    """The region tree; reloaded if a transactional (live-server) test flushed it."""
    from accounts.models import Region
    from accounts.regions import regions_load

    if not Region.objects.filter(code=f"{BOSHAN}000000").exists():
        regions_load(district_code=BOSHAN)
        regions_load(district_code=QIANJIANG)
    return Region.objects


@pytest.fixture
def world(regions):
    """Two townships of 博山区 with two villages each, and a village in another district."""
    from tests.factories import World

    return World.build()


@pytest.fixture
def users(world):
    """One user of every role in township A (village A1 for the assistant), keyed by role."""
    return world.users


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def roles():
    return list(Role)
