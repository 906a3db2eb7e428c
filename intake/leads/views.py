from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.roles import TOWNSHIP_OFFICE, require_role
from accounts.scoping import scope
from cases.choices import SourceType
from cases.models import Lead, Person
from cases.views import lead_action_do
from common.audit import AuditAction, audit_record
from common.resident_id import ResidentIDError
from intake.leads import selectors
from intake.leads.forms import HotlineForm, LeadForm
from intake.leads.services import IntakeError, lead_log
from intake.leads.unidentified import lead_log_unidentified

INBOX_ROLES = TOWNSHIP_OFFICE  # accounts.roles


def _require_inbox_role(user):
    require_role(user, INBOX_ROLES)


def _log_lead(request, form_class, *, template, source_type, title):
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("unidentified"):  # issue 17 rule 7: no ID, a name or a description and where found
            log, who = lead_log_unidentified, {"description": data.get("description", ""),
                                               "found_at": data.get("found_at", "")}
        else:
            log, who = lead_log, {"person": data.get("person"), "id_number": data.get("id_number", ""),
                                  "phone": data.get("phone", ""),
                                  "name_is_registered": {"registered": True, "reported": False}.get(
                                      data.get("name_check", ""))}
        try:
            lead, merged = log(
                user=request.user, name=data.get("name", ""), village=data.get("village"), **who,
                method=data["method"], channel=data["channel"], discovered_on=data["discovered_on"],
                suspected_relief=data["suspected_relief"], causes=data["causes"], is_urgent=data["is_urgent"],
                family_situation=data["family_situation"], source_type=source_type,
                reporter_name=data.get("reporter_name", ""), reporter_phone=data.get("reporter_phone", ""),
                late_reason=data.get("late_reason", ""),
            )
        except (IntakeError, ResidentIDError) as exc:
            messages.error(request, str(exc))
        else:
            if data["discovered_on"] < timezone.localdate():
                messages.info(request, _("Reported late (found on %(day)s); your reason is kept with the lead.")
                              % {"day": f"{data['discovered_on']:%Y-%m-%d}"})
            if merged:
                messages.warning(request, _("%(name)s already has an open lead, %(number)s: this report was added "
                                            "to it as another source and the township was told.")
                                 % {"name": lead.person.name, "number": lead.number})
            else:
                messages.success(request, _("Lead %(number)s logged for %(name)s. The township has been told.")
                                 % {"number": lead.number, "name": lead.person.name})
            return redirect(lead)
    elif request.method == "POST":
        messages.error(request, _("Please correct the fields marked in red."))
    selected = form["person"].value()
    selected_person = None
    if selected:
        selected_person = scope(request.user, form.fields["person"].queryset.filter(pk=selected)).first() \
            if str(selected).isdigit() else None
    return render(request, template, {"form": form, "title": title, "selected_person": selected_person})


@login_required
@permission_required("cases.add_lead", raise_exception=True)
def lead_create(request):
    return _log_lead(request, LeadForm, template="intake/lead_form.html", source_type=SourceType.MANUAL,
                     title=gettext_lazy("Log a lead"))


@login_required
@permission_required("cases.add_lead", raise_exception=True)
def hotline_create(request):
    _require_inbox_role(request.user)
    return _log_lead(request, HotlineForm, template="intake/lead_form.html", source_type=SourceType.HOTLINE,
                     title=gettext_lazy("Log a hotline or petition call"))


@login_required
@permission_required("cases.view_person", raise_exception=True)
def person_search(request):
    """Type-ahead: people in scope by name or ID prefix (an htmx fragment)."""
    query = request.GET.get("q", "")
    people = list(selectors.person_search(user=request.user, query=query))
    if query.strip():

        audit_record(request=request, action=AuditAction.LIST, model=Person, detail=_("Search: %(query)s") % {"query": query[:40]})
    return render(request, "intake/_person_results.html", {"people": people, "query": query})


@login_required
def inbox(request):
    _require_inbox_role(request.user)
    return render(request, "intake/inbox.html", {
        **selectors.inbox(user=request.user),
    })


@login_required
def inbox_count(request):
    """The inbox's badge in the menu, fetched by htmx after the page (no query added to every page)."""
    if request.user.role not in INBOX_ROLES and not request.user.is_superuser:
        return HttpResponse("")
    waiting = selectors.inbox_waiting(user=request.user)
    return render(request, "intake/_inbox_count.html", waiting)


@login_required
@require_POST
def inbox_lead_action(request, pk, action):
    _require_inbox_role(request.user)
    lead = scope(request.user, Lead.objects.all()).filter(pk=pk).first()
    if lead is None:
        raise Http404
    if action not in ("accept", "reject", "merge"):
        raise Http404
    # The one accept / reject / merge of the case page, its forms and messages; back to the inbox after.
    return lead_action_do(request, lead, action, back=reverse("intake:inbox"))
