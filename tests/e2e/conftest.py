"""The browser harness: headless Debian Chromium, driven by Playwright, against a live server.

* Every test under ``tests/e2e`` is marked ``e2e`` and runs in a transactional
  database, so the rows the fixtures create are visible to the live-server thread.
* ``phone_page`` (360×780, touch, zh-CN) and ``desktop_page`` (1366×900) are fresh
  browser contexts. Each one records console errors, uncaught JavaScript errors,
  4xx/5xx responses and failed requests; any of them fails the test at teardown
  (a page that loads a missing static file is a bug). A test that provokes an
  error on purpose declares it with ``allow_http_error(page, 404, url_regex)`` or
  ``allow_problem(page, regex)``.
* ``login(page, live_server, user)`` logs in through the real form.
* ``screenshot(page, name)`` saves a full-page PNG under ``$E2E_SCREENSHOTS``
  (nothing is saved when the variable is unset).
* One Chromium serves the whole package (package scope; see ``_django_allow_async_unsafe``).
* A missing ``/usr/bin/chromium`` fails the run with the command that installs
  it: browser journeys are never skipped.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 360, "height": 780}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
# Waits sized for a loaded two-core machine (CI, or five agents sharing one): Playwright's own defaults
# (5 s for `expect`, 30 s for actions) made a type-ahead result that took 6 s to appear fail a journey
# (issue 18). Every action, navigation and `expect(...)` waits up to 20 s; a journey that truly breaks
# still fails, only later. A test that knows a step is slow (a real Celery import) names a longer wait.
DEFAULT_TIMEOUT_MS = 20_000

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            # In a parallel run (`make test`: -n 2 --dist loadgroup) the journeys share one worker: one
            # Chromium and one live server at a time on a two-core machine, the other worker runs the rest.
            item.add_marker(pytest.mark.xdist_group("browser"))


def _expect_waits() -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


@pytest.fixture(autouse=True)
def _e2e_transactional_db(transactional_db):
    """Live-server tests must commit: the server thread reads through its own connection."""


# --- the browser ------------------------------------------------------------------------
# One browser for the whole tests/e2e package. "package" rather than "session" scope:
# while Playwright's sync API is running it keeps an asyncio loop registered as running
# on the main thread, so Django's async-safety guard refuses every ORM call. The journeys
# need DJANGO_ALLOW_ASYNC_UNSAFE for that, but it must not outlive them: the rest of the
# suite must keep the guard, and `manage.py check --deploy` run in a subprocess by
# tests/test_deploy.py fails (async.E001) when the variable is inherited. Package scope
# stops Playwright and restores the environment as soon as the last journey has run.

@pytest.fixture(scope="package", autouse=True)
def _django_allow_async_unsafe():
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def playwright_instance(_django_allow_async_unsafe):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser journeys need Debian's Chromium and a CJK font. "
            "Install them with: apt-get install chromium fonts-wqy-microhei",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    _expect_waits()
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="package")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


# --- pages that fail the test on console errors and failed requests ------------------------

_ALLOWED: dict[int, list[re.Pattern]] = {}


def allow_problem(page, pattern: str) -> None:
    """Let ``page`` report problems matching ``pattern`` (a regex searched in the report line)."""
    _ALLOWED.setdefault(id(page), []).append(re.compile(pattern))


def allow_http_error(page, status: int, url_pattern: str) -> None:
    """Expect ``status`` for URLs matching ``url_pattern``: both the response and Chromium's console line."""
    allow_problem(page, rf"^HTTP {status} for [A-Z]+ .*{url_pattern}")
    allow_problem(page, rf"^console error: Failed to load resource: .*status of {status}\b.*\(.*{url_pattern}")


def _open_page(browser, request, options: dict):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    problems: list[str] = []

    def on_console(msg):
        if msg.type == "error":
            url = (msg.location or {}).get("url") or "inline"
            problems.append(f"console error: {msg.text} ({url})")

    def on_weberror(error):
        problems.append(f"uncaught JavaScript error: {error.error}")

    def on_response(response):
        if response.status >= 400:
            problems.append(f"HTTP {response.status} for {response.request.method} {response.url}")

    def on_requestfailed(req):
        failure = req.failure or ""
        if "ERR_ABORTED" in failure:  # a navigation cancelled a pending request: not a fault
            return
        problems.append(f"request failed: {req.method} {req.url} ({failure})")

    context.on("console", on_console)
    context.on("weberror", on_weberror)
    context.on("response", on_response)
    context.on("requestfailed", on_requestfailed)
    page = context.new_page()
    yield page

    try:
        page.wait_for_load_state("networkidle", timeout=5_000)
    except Exception:  # noqa: BLE001 - a page that never settles is reported by the test itself
        pass
    allowed = _ALLOWED.pop(id(page), [])
    context.close()
    unexpected = [p for p in problems if not any(a.search(p) for a in allowed)]
    if unexpected:
        pytest.fail(
            f"{request.node.nodeid}: the browser reported {len(unexpected)} problem(s):\n  "
            + "\n  ".join(unexpected),
            pytrace=False,
        )


@pytest.fixture
def phone_page(browser, request):
    yield from _open_page(browser, request, PHONE)


@pytest.fixture
def desktop_page(browser, request):
    yield from _open_page(browser, request, DESKTOP)


# --- logging in --------------------------------------------------------------------------

def sign_out(page) -> None:
    """Leave the page, then forget the session: a page left open still runs its htmx loads (the menu's badges,
    ``hx-trigger="load"``), and one sent after the cookies are cleared is redirected to the login page, whose
    answer sets a new CSRF cookie — on a loaded machine after the next login form was served, which then failed
    with "CSRF token incorrect" (seen once in the full suite). about:blank has nothing left to send."""
    page.goto("about:blank")
    page.context.clear_cookies()


def submit_login(page, live_server, username: str, password: str) -> None:
    """Fill and submit the real login form; wait for the answer page to load."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    with page.expect_navigation():
        page.locator('form button[type="submit"]').click()


def log_in(page, live_server, user, password: str | None = None) -> None:
    """Log ``user`` in through the form and check that the home page is shown."""
    from playwright.sync_api import expect

    from tests.factories import PASSWORD

    submit_login(page, live_server, user.username, password or PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_contain_text("您好")


@pytest.fixture
def login():
    """``login(page, live_server, user)``: log in through the real form, landing on the home page."""
    return log_in


# --- screenshots -------------------------------------------------------------------------

@pytest.fixture
def screenshot(request):
    """``screenshot(page, name="final")``: save a full-page PNG when $E2E_SCREENSHOTS is set."""

    def save(page, name: str = "final") -> Path | None:
        directory = os.environ.get("E2E_SCREENSHOTS")
        if not directory:
            return None
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{request.node.name}-{name}")
        target = path / f"{stem}.png"
        page.screenshot(path=str(target), full_page=True)
        return target

    return save
