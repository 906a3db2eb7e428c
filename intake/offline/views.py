"""The assistant's offline app (issue 19): the installable app's manifest and service worker, the pages the
service worker keeps for use without a signal, the pack the phone keeps, and the sync endpoint."""
from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import require_role
from accounts.scoping import scope
from common.audit import AuditAction, audit_record
from intake.leads.forms import LeadForm
from intake.models import RosterEntry, Visit
from intake.offline import services as offline
from intake.offline.models import VisitPhoto
from intake.roster.forms import VisitForm

# Pages the service worker keeps (their markup only: no one's data is in them).
SHELLS = ("home", "lead", "due", "roster", "visit")


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"status": "error", "message": message}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _refusal(request) -> JsonResponse | None:
    """JSON answers for the phone's script (no redirect to a login page it cannot read)."""
    if not request.user.is_authenticated:
        return _json_error(_("Your session has ended. Please log in again to send your records."), 401)
    if not offline.offline_allowed(request.user):
        return _json_error(_("Only village assistants can use the phone offline."), 403)
    return None


def offline_urls() -> dict:
    """Addresses the page script and the service worker need (also the pages kept for offline use)."""
    return {
        "pack": reverse("intake:offline_pack"), "sync": reverse("intake:offline_sync"),
        "sw": reverse("intake:offline_sw"), "home": reverse("intake:offline_home"),
        "shells": {name: reverse(f"intake:offline_{name}") for name in SHELLS},
    }


@never_cache
@require_GET
def pack(request):
    """The phone's copy: the village's active roster (names, masked IDs, due dates); audited."""
    refused = _refusal(request)
    if refused:
        return refused
    body = offline.offline_pack(user=request.user)

    body["csrf"] = get_token(request)
    body["urls"] = offline_urls()
    audit_record(request=request, action=AuditAction.LIST, model=RosterEntry,
                 detail=f"offline pack: {len(body['roster'])} roster entries")
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@never_cache
@require_POST
def sync(request):
    """One record from the phone's queue (JSON, session + CSRF); the same key again changes nothing."""
    refused = _refusal(request)
    if refused:
        return refused
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _json_error(_("The record could not be read."), 400)
    try:
        answer, submission = offline.offline_submit(user=request.user, payload=payload)
    except offline.OfflineError as exc:
        return _json_error(str(exc), exc.status)
    if not answer.get("repeat"):
        target = submission.visit or submission.lead
        audit_record(request=request, action=AuditAction.CHANGE, obj=target,
                     detail=f"sent from the phone: {submission.kind} {submission.key} ({submission.outcome}); "
                            f"recorded {submission.recorded_at:%Y-%m-%d %H:%M}")
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})


def _shell(request, name: str, context: dict | None = None):
    require_role(request.user, offline.OFFLINE_ROLES, _("Only village assistants can use the phone offline."))
    response = render(request, f"intake/offline/{name}.html", {
        "screen": name, "offline_urls": offline_urls(), **(context or {})})
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def shell_home(request):
    return _shell(request, "home")


@login_required
def shell_lead(request):
    form = LeadForm(user=request.user, initial={"discovered_on": timezone.localdate()})
    return _shell(request, "lead", {"form": form, "village_id": request.user.region_id})


@login_required
def shell_due(request):
    return _shell(request, "due")


@login_required
def shell_roster(request):
    return _shell(request, "roster")


@login_required
def shell_visit(request):
    return _shell(request, "visit", {"form": VisitForm()})


@require_GET
def manifest(request):
    """The web app manifest: installable from the intranet, opening on the offline home."""
    body = {
        "name": _("Proactive discovery · village assistant"),
        "short_name": _("Proactive discovery"),
        "lang": "zh-CN",
        "start_url": reverse("intake:offline_home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": [
            {"src": static("img/app-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/app-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def service_worker(request):
    """The service worker, served here so it may control the whole site (``Service-Worker-Allowed: /``)."""
    assets = [
        static("vendor/bootstrap-5.3.9/css/bootstrap.min.css"),
        static("vendor/bootstrap-icons-1.13.2/bootstrap-icons.min.css"),
        static("vendor/bootstrap-icons-1.13.2/fonts/bootstrap-icons.woff2"),
        static("css/app.css"), static("css/offline.css"), static("css/visit_form.css"),
        static("js/offline/app.js"), static("img/favicon.svg"),
    ]
    shells = offline_urls()["shells"]
    # The assistant's usual addresses and the offline page that answers for each without a connection.
    routes = [[reverse("accounts:home"), shells["home"]], [reverse("intake:lead_create"), shells["lead"]],
              [reverse("intake:visits_due"), shells["due"]], [reverse("intake:roster_list"), shells["roster"]]]
    routes += [[url, url] for url in shells.values()]
    response = render(request, "intake/offline/sw.js", {
        "assets_json": json.dumps(assets), "shells_json": json.dumps(offline_urls()["shells"]),
        "routes_json": json.dumps(routes), "visit_json": json.dumps(reverse("intake:visit_create", args=[0])),
        "no_copy_json": json.dumps(_("No connection, and this phone has no offline copy: connect, log in and sync.")),
    }, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def visit_photo(request, visit_pk: int, pk: int):
    """A visit's photo for the district's spot checks: scoped, audited, re-encoded JPEG only."""
    visit = get_object_or_404(scope(request.user, Visit.objects.all()), pk=visit_pk)
    photo = get_object_or_404(scope(request.user, VisitPhoto.objects.filter(visit=visit)), pk=pk)
    audit_record(request=request, action=AuditAction.DETAIL, obj=photo, detail=f"visit {visit.pk}")
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
