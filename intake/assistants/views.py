"""Pages of village assistants (issue 17 rule 2): the coverage of villages and one village's assistants."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from accounts.roles import require_role
from accounts.scoping import scope
from intake.assistants import selectors as assistants_selectors
from intake.assistants import services as assistants
from intake.assistants.forms import AppointForm, EndForm, TrainingForm
from intake.assistants.models import AssistantAppointment
from intake.assistants.widgets import OFFICE_ROLES
from intake.roster.services import RosterError

User = get_user_model()
DISTRICT_ROLES = (Role.DISTRICT_STAFF, Role.DISTRICT_HEAD, Role.ADMINISTRATOR)


def _office_only(user) -> None:
    require_role(user, OFFICE_ROLES | {Role.ADMINISTRATOR})


@login_required
@permission_required("intake.view_assistantappointment", raise_exception=True)
def assistant_coverage(request):
    """Township and district: every village with its assistant (appointed since, trainings), or none. The district
    sees its townships and drills into one (``?township=``)."""
    user = request.user
    _office_only(user)
    missing_only = request.GET.get("missing") == "1"
    show_township = user.role in DISTRICT_ROLES or user.is_superuser
    by_township = assistants_selectors.coverage_by_township(user=user)
    totals = {key: sum(r[key] for r in by_township) for key in ("villages", "covered", "missing")}
    township = None
    if request.GET.get("township", "").isdigit():
        township = scope(user, Region.objects.filter(level=RegionLevel.TOWNSHIP, pk=request.GET["township"])).first()
    villages = assistants_selectors.assistant_coverage(user=user, missing_only=missing_only)
    if township is not None:
        villages = villages.filter(parent=township)
    show_villages = not show_township or township is not None or missing_only
    villages = list(villages) if show_villages else []
    current = assistants_selectors.appointments_of(villages=villages)
    for village in villages:
        village.current_appointments = current.get(village.pk, [])
    return render(request, "intake/assistants/coverage.html", {
        "villages": villages, "by_township": by_township, "totals": totals, "missing_only": missing_only,
        "show_township": show_township, "show_villages": show_villages, "township": township,
        "can_manage": assistants.can_manage(user),
    })


@login_required
@permission_required("intake.view_assistantappointment", raise_exception=True)
def assistant_village(request, pk):
    """One village's assistants: appointments (current and past) with their trainings; the township appoints, ends
    an appointment and records a training here."""
    user = request.user
    _office_only(user)
    village = scope(user, Region.objects.filter(level=RegionLevel.VILLAGE, pk=pk)).select_related("parent").first()
    if village is None:
        raise Http404
    appointments = AssistantAppointment.objects.filter(village=village).order_by("-appointed_on", "-id")
    current = assistants_selectors.current_appointments().filter(village=village)
    can_manage = assistants.can_manage(user)
    appoint_form, train_form = AppointForm(village=village), TrainingForm(appointments=current)
    if request.method == "POST":
        require_role(user, assistants.MANAGERS, _(
            "Only the township office (or the district centre) appoints and trains assistants."))
        action = request.POST.get("action")
        try:
            if action == "appoint":
                appoint_form = AppointForm(request.POST, village=village)
                if appoint_form.is_valid():
                    done = assistants.assistant_appoint(user=user, village=village, **appoint_form.cleaned_data)
                    messages.success(request, _("%(name)s is recorded as the assistant of %(village)s.") % {
                        "name": done.name, "village": village.name})
                    return redirect("intake:assistant_village", pk=village.pk)
            elif action == "end":
                end_form = EndForm(request.POST)
                appointment = appointments.filter(pk=request.POST.get("end-appointment") or 0).first()
                if end_form.is_valid() and appointment is not None:
                    assistants.assistant_appointment_end(user=user, appointment=appointment,
                                                         ended_on=end_form.cleaned_data["ended_on"])
                    messages.success(request, _("The appointment of %(name)s has ended.") % {
                        "name": appointment.name})
                    return redirect("intake:assistant_village", pk=village.pk)
            elif action == "train":
                train_form = TrainingForm(request.POST, appointments=current)
                if train_form.is_valid():
                    assistants.assistant_training_record(user=user, **train_form.cleaned_data)
                    messages.success(request, _("Training recorded."))
                    return redirect("intake:assistant_village", pk=village.pk)
            messages.error(request, _("Please correct the fields marked in red."))
        except RosterError as exc:
            messages.error(request, str(exc))
    today = timezone.localdate()
    rows = list(appointments.prefetch_related("trainings"))
    for row in rows:
        row.is_current = row.appointed_on <= today and (row.ended_on is None or row.ended_on >= today)
    return render(request, "intake/assistants/village.html", {
        "village": village, "appointments": rows, "can_manage": can_manage, "appoint_form": appoint_form,
        "train_form": train_form, "end_form": EndForm(), "has_current": current.exists(),
    })


