"""Home-page fragment of the offline app: 待同步 count, last sync, and the service worker's registration."""
from __future__ import annotations

from intake.offline.services import offline_allowed
from intake.offline.views import offline_urls


def offline_queue(request):
    """Village assistants only: the phone's queue of records not yet sent (filled in by static/js/offline/app.js)."""
    if not offline_allowed(request.user):
        return None

    return {"order": 5, "template": "intake/_offline_queue.html", "offline_urls": offline_urls(),
            "head_template": "intake/_offline_head.html"}  # the manifest: the app installs from the home page
