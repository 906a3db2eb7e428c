"""The reveal action and the district's audit log (DESIGN §11)."""
from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .audit import AuditAction, audit_record, filters_text
from .filters_audit import AuditEventFilterSet
from .models import AuditEvent
from .reveal import reveal_value
from .selectors import audit_event_list
from .tables_audit import AuditEventTable
from .views import ObjectListView


@require_POST
def reveal(request, model: str, pk: int, field: str):
    """htmx: the whole number in place of its masked form, logged as REVEAL (403 for other roles)."""
    if not request.user.is_authenticated:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    _obj, kind, value = reveal_value(request=request, model_label=model, pk=pk, field=field)
    return render(request, "common/_revealed.html", {"value": value, "kind": kind})


class AuditLogView(ObjectListView):
    """Read-only, district-wide; searchable by user, action, kind of record, dates and address."""

    queryset = AuditEvent.objects.all()  # narrowed per user in get_queryset
    filterset_class = AuditEventFilterSet
    table_class = AuditEventTable
    permission_required = "common.view_auditevent"
    title = gettext_lazy("Audit log")
    export_title = gettext_lazy("Audit log")
    paginate_by = 50
    # Reading the log is itself logged, but before the page is built: a page of the log must not
    # count its rows before that event and list them after it.
    audit_personal_data = False

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") != "xlsx":
            audit_record(request=request, action=AuditAction.LIST, model=AuditEvent,
                         detail=filters_text(request.GET.urlencode()))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # Audit events carry a region code, not a Region: scoped by that code (common/selectors.py).
        return audit_event_list(user=self.request.user)


def page_not_found(request, exception):
    """404: the API's JSON error for machine callers under /api/ (department systems), the page otherwise."""
    from django.http import JsonResponse
    from django.utils.translation import gettext as _
    from django.views.defaults import page_not_found as html_page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "not_found", "details": None,
                                       "message": _("There is no such address in the API.")}}, status=404,
                            json_dumps_params={"ensure_ascii": False})
    return html_page_not_found(request, exception)
