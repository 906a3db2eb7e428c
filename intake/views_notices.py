"""Pages of the notices' people (issue 17): the assistants' coverage per village (rule 2)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from accounts.scoping import scope

from . import assistants, campaigns
from .models_notices import AssistantAppointment, AssistantBackground, ScreeningCampaign
from .roster import RosterError

User = get_user_model()
DISTRICT_ROLES = (Role.DISTRICT_STAFF, Role.DISTRICT_HEAD, Role.ADMINISTRATOR)


def _office_only(user) -> None:
    from .widgets_notices import OFFICE_ROLES

    if not (user.is_superuser or user.role in OFFICE_ROLES or user.role == Role.ADMINISTRATOR):
        raise PermissionDenied(_("Your role cannot open this page."))


@login_required
@permission_required("intake.view_assistantappointment", raise_exception=True)
def assistant_coverage(request):
    """Township and district: every village with its assistant (appointed since, trainings), or none. The district
    sees its townships and drills into one (``?township=``)."""
    user = request.user
    _office_only(user)
    missing_only = request.GET.get("missing") == "1"
    show_township = user.role in DISTRICT_ROLES or user.is_superuser
    by_township = assistants.coverage_by_township(user=user)
    totals = {key: sum(r[key] for r in by_township) for key in ("villages", "covered", "missing")}
    township = None
    if request.GET.get("township", "").isdigit():
        township = scope(user, Region.objects.filter(level=RegionLevel.TOWNSHIP, pk=request.GET["township"])).first()
    villages = assistants.assistant_coverage(user=user, missing_only=missing_only)
    if township is not None:
        villages = villages.filter(parent=township)
    show_villages = not show_township or township is not None or missing_only
    villages = list(villages) if show_villages else []
    current = assistants.appointments_of(villages=villages)
    for village in villages:
        village.current_appointments = current.get(village.pk, [])
    return render(request, "intake/assistants/coverage.html", {
        "villages": villages, "by_township": by_township, "totals": totals, "missing_only": missing_only,
        "show_township": show_township, "show_villages": show_villages, "township": township,
        "can_manage": assistants.can_manage(user),
    })


class AppointForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=32)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    background = forms.ChoiceField(label=gettext_lazy("Background"), choices=AssistantBackground.choices)
    appointed_on = forms.DateField(label=gettext_lazy("Appointed on"), initial=timezone.localdate,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    account = forms.ModelChoiceField(label=gettext_lazy("Account in this system (if any)"), required=False,
                                     queryset=User.objects.none())

    def __init__(self, *args, village, **kwargs):
        super().__init__(*args, prefix="appoint", **kwargs)
        self.fields["account"].queryset = User.objects.filter(role=Role.VILLAGE_ASSISTANT, region=village,
                                                              is_active=True)
        _style(self)


class EndForm(forms.Form):
    appointment = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = forms.DateField(label=gettext_lazy("Appointment ended on"), initial=timezone.localdate,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="end", **kwargs)
        _style(self)


class TrainingForm(forms.Form):
    appointment = forms.ModelChoiceField(label=gettext_lazy("Assistant"), queryset=AssistantAppointment.objects.none())
    trained_on = forms.DateField(label=gettext_lazy("Date of training"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    topic = forms.CharField(label=gettext_lazy("Topic"), max_length=200)
    hours = forms.DecimalField(label=gettext_lazy("Hours"), max_digits=4, decimal_places=1, min_value=0,
                               required=False)
    given_by = forms.CharField(label=gettext_lazy("Given by"), max_length=64, required=False)

    def __init__(self, *args, appointments, **kwargs):
        super().__init__(*args, prefix="train", **kwargs)
        self.fields["appointment"].queryset = appointments
        _style(self)


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


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
    current = assistants.current_appointments().filter(village=village)
    can_manage = assistants.can_manage(user)
    appoint_form, train_form = AppointForm(village=village), TrainingForm(appointments=current)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("Only the township office (or the district centre) appoints and trains "
                                     "assistants."))
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


# --- 集中排查 (rule 6) ----------------------------------------------------------------------------------
class CampaignForm(forms.Form):
    area = forms.ModelChoiceField(label=gettext_lazy("Area"), queryset=Region.objects.none(),
                                  widget=forms.Select(attrs={"class": "form-select"}))
    reason = forms.CharField(label=gettext_lazy("Reason (an epidemic, a disaster…)"), max_length=200,
                             widget=forms.TextInput(attrs={"class": "form-control"}))
    starts_on = forms.DateField(label=gettext_lazy("First day"),
                                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    ends_on = forms.DateField(label=gettext_lazy("Last day"),
                              widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scope(user, Region.objects.filter(
            level__in=[RegionLevel.DISTRICT, RegionLevel.TOWNSHIP])).order_by("code")


@login_required
@permission_required("intake.view_screeningcampaign", raise_exception=True)
def campaign_list(request):
    """集中排查: the district declares; everyone sees the current screenings and the progress per village."""
    user = request.user
    can_declare = user.role in campaigns.DECLARERS or user.is_superuser
    form = CampaignForm(request.POST or None, user=user) if can_declare else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            campaign = campaigns.campaign_declare(user=user, **form.cleaned_data)
        except RosterError as exc:
            messages.error(request, str(exc))
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Concentrated screening declared: %(count)s people to visit.") % {
                "count": campaign.targets.count()})
            return redirect("intake:campaign_list")
    return render(request, "intake/campaigns/list.html", {
        "form": form, "campaigns": list(scope(user, ScreeningCampaign.objects.select_related("area"))[:50]),
        "progress": campaigns.campaign_progress(user=user), "today": timezone.localdate(),
    })
