"""The web processes' gunicorn settings (config/gunicorn.conf.py): a worker freezes what it loaded, and serves."""
import gc
import http.client
import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

CONF = Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"


def test_a_worker_keeps_what_it_loaded_out_of_the_collectors_walk():
    conf = runpy.run_path(str(CONF))
    gc.unfreeze()
    try:
        conf["post_worker_init"](None)
        # Django's modules, models, URLconf, templates and catalogue: far more than the collector should walk.
        assert gc.get_freeze_count() > 50_000
    finally:
        gc.unfreeze()


def test_gunicorn_serves_the_login_page_with_these_settings(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_DEBUG="false")
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):  # the test database, not the developer's
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", str(CONF), "config.wsgi", "--bind",
             f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--worker-class", "gthread"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        status, deadline = None, time.monotonic() + 60
        while status is None and time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/accounts/login/")
                status = conn.getresponse().status
            except OSError:
                time.sleep(0.3)
        assert status == 200, log.read_text()
        assert "Traceback" not in log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
