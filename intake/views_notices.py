"""Pages of the notices' people (issue 17): the assistants per village (rule 2) and the 集中排查 (rule 6)."""
from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from accounts.roles import require_role
from accounts.scoping import scope
from cases.models import Person
from common import resident_id
from common.audit import AuditAction, audit_record
from common.filters import BaseFilterSet
from common.tables import PHONE_HIDDEN, BaseTable, MaskedIDColumn
from common.views import ObjectListView

from . import assistants, campaigns
from .choices import VisitMode
from .models_notices import AssistantAppointment, AssistantBackground, CampaignTarget, ScreeningCampaign
from .roster import RosterError
from .widgets_notices import OFFICE_ROLES

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


# --- one screening: progress per village, its people, flagging a household, a visit to a flagged one -----------
class CampaignTargetFilterSet(BaseFilterSet):
    village = django_filters.ModelChoiceFilter(label=gettext_lazy("Village"),
                                               queryset=Region.objects.filter(level=RegionLevel.VILLAGE))
    visited = django_filters.ChoiceFilter(label=gettext_lazy("Visited"), method="filter_visited",
                                          choices=[("1", gettext_lazy("Yes")), ("0", gettext_lazy("No"))])
    from_roster = django_filters.ChoiceFilter(label=gettext_lazy("Why"), method="filter_roster",
                                              choices=[("1", gettext_lazy("On the key roster")),
                                                       ("0", gettext_lazy("Flagged household"))])

    class Meta:
        model = CampaignTarget
        fields = ["village"]

    def filter_visited(self, queryset, name, value):
        return queryset.filter(visited_on__isnull=value != "1")

    def filter_roster(self, queryset, name, value):
        return queryset.filter(from_roster=value == "1")


class CampaignTargetTable(BaseTable):
    township = tables.Column(verbose_name=gettext_lazy("township"), attrs=PHONE_HIDDEN)
    village = tables.Column(verbose_name=gettext_lazy("village"))
    person__name = tables.Column(verbose_name=gettext_lazy("full name"))
    person__id_number = MaskedIDColumn(verbose_name=gettext_lazy("ID number"))
    from_roster = tables.Column(verbose_name=gettext_lazy("why"), attrs=PHONE_HIDDEN)
    visited_on = tables.DateColumn(verbose_name=gettext_lazy("visited on"), format="Y-m-d", default="")
    action = tables.Column(verbose_name="", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(BaseTable.Meta):
        model = CampaignTarget
        fields = ("township", "village", "person__name", "person__id_number", "from_roster", "visited_on")
        order_by = ("village", "person__name")

    def render_from_roster(self, value):
        return _("On the key roster") if value else _("Flagged household")

    def value_from_roster(self, value):
        return self.render_from_roster(value)

    def render_action(self, record, value):
        if record.visited_on is not None:
            return format_html('<span class="badge text-bg-success">{}</span>', _("Visited"))
        if record.from_roster:
            return format_html('<span class="small text-muted">{}</span>', _("Visit from the roster"))
        return format_html('<a class="btn btn-sm btn-outline-primary py-0" href="{}">{}</a>',
                           reverse("intake:campaign_target_visit", args=[record.pk]), _("Record the visit"))


class FlagForm(forms.Form):
    id_number = forms.CharField(label=gettext_lazy("ID number of a household member"), max_length=40,
                                widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}))


class CampaignDetailView(ObjectListView):
    """One 集中排查: progress per village, the people to visit; the township flags households for it."""

    queryset = CampaignTarget.objects.select_related("person", "village", "township")
    filterset_class = CampaignTargetFilterSet
    table_class = CampaignTargetTable
    permission_required = "intake.view_campaigntarget"
    template_name = "intake/campaigns/detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.campaign = scope(request.user, ScreeningCampaign.objects.select_related("area")) \
                .filter(pk=kwargs["pk"]).first()
            if self.campaign is None:
                raise Http404
            self.title = _("Concentrated screening: %(reason)s") % {"reason": self.campaign.reason}
            self.export_title = self.title
            if request.GET.get("export") == "xlsx":  # the title names the sheet: the reason may hold "/" or ":"
                self.title = _("Concentrated screening (集中排查)")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(campaign=self.campaign)

    def post(self, request, *args, **kwargs):
        """Flag a household of the area (found by a member's ID number, in the user's scope)."""
        form = FlagForm(request.POST)
        person = None
        if form.is_valid():
            try:
                number = resident_id.parse(form.cleaned_data["id_number"]).number
            except resident_id.ResidentIDError as exc:
                messages.error(request, str(exc))
                return redirect("intake:campaign_detail", pk=self.campaign.pk)
            person = scope(request.user, Person.objects.select_related("household")).filter(id_number=number).first()
        if person is None or person.household is None:
            messages.error(request, _("No household with this ID number in your area."))
            return redirect("intake:campaign_detail", pk=self.campaign.pk)
        try:
            target = campaigns.campaign_flag_household(user=request.user, campaign=self.campaign,
                                                       household=person.household)
        except RosterError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(name)s's household is to be visited in this screening.") % {
                "name": target.person.name})
        return redirect("intake:campaign_detail", pk=self.campaign.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = campaigns.campaign_progress(user=user, campaign=self.campaign)
        context.update(
            campaign=self.campaign, progress=rows, today=timezone.localdate(),
            targets=sum(r["targets"] for r in rows), visited=sum(r["visited"] for r in rows),
            can_flag=(user.role in campaigns.FLAGGERS or user.is_superuser)
            and self.campaign.ends_on >= timezone.localdate(),
            flag_form=FlagForm(),
        )
        return context


class CampaignVisitForm(forms.Form):
    visited_on = forms.DateField(label=gettext_lazy("Date of the visit"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs={"type": "date", "class": "form-control"},
                                                        format="%Y-%m-%d"))
    mode = forms.ChoiceField(label=gettext_lazy("How"), choices=VisitMode.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    findings = forms.CharField(label=gettext_lazy("What was found"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


@login_required
@permission_required("intake.add_visit", raise_exception=True)
def campaign_target_visit(request, pk):
    """The visit to a household flagged for a screening (roster people are visited from the roster)."""
    target = scope(request.user, CampaignTarget.objects.select_related("person", "village", "campaign")) \
        .filter(pk=pk).first()
    if target is None:
        raise Http404
    form = CampaignVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaigns.campaign_visit_log(user=request.user, target=target, **form.cleaned_data)
        except RosterError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("intake:campaign_detail", pk=target.campaign_id)
    audit_record(request=request, action=AuditAction.DETAIL, obj=target.person)
    return render(request, "intake/campaigns/visit.html", {"target": target, "form": form})
