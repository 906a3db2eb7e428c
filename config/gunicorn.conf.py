"""gunicorn's settings for the web processes (``gunicorn -c config/gunicorn.conf.py config.wsgi …``).

The number of workers and threads stays on the command line (README: per machine). What this file adds is the
garbage collector's handling (issue 15, docs/DECISIONS.md 1401): once a worker has loaded Django (the settings,
every app and model, the URLconf, the templates and the Chinese catalogue), those objects live as long as the
process. Python's cyclic collector would walk all of them (≈ 180,000 objects, 70–200 ms on this 2-core machine)
at every full collection, in the middle of whichever requests are running then. ``gc.freeze()`` moves them to a
generation the collector never walks; the objects of each request are still collected as before.
"""
import gc


def post_worker_init(worker):
    """After the worker loaded the application: load what the first request would, then freeze it all."""
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # the URLconf and every view module
    with translation.override("zh-hans"):
        translation.gettext("Home")  # the catalogue of every app
    for name in ("base.html", "accounts/home.html"):
        get_template(name)
    gc.collect()
    gc.freeze()
