"""Pages of the township's own checks (issue 17 rule 10; seed 002 二(六): "乡…经办人员要对'急难'对象进行抽查、回访…
不定期对各村随机抽查，防止出现漏报、错报现象"): the township draws a month's sample — its 急难 leads (township spot
checks, recorded on the spot-check page) and registry households never reported — and records the visits. A hardship
found in a never-reported household is a 漏报: a lead is raised and the assessment counts it. The district sees every
township's checks and can draw for a township."""
from __future__ import annotations

import datetime as dt

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from accounts.roles import require_role
from accounts.scoping import scope
from common.audit import AuditAction, audit_record
from common.filters import BaseFilterSet
from common.tables import PHONE_HIDDEN, BaseTable, MaskedIDColumn
from common.views import ObjectListView

from . import township_checks
from .forms import _date_widget, _style
from .models import UnreportedCheck
from .services import LeadError

VIEWERS = frozenset({Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD, Role.DISTRICT_STAFF, Role.DISTRICT_HEAD})


def _check_viewer(user) -> None:
    require_role(user, VIEWERS)


def _last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


class TownshipDrawForm(forms.Form):
    month = forms.DateField(label=gettext_lazy("Month"), input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month", "class": "form-control form-control-sm w-auto"},
                                                   format="%Y-%m"))
    township = forms.ModelChoiceField(label=gettext_lazy("Township"), queryset=Region.objects.none(),
                                      widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        townships = scope(user, Region.objects.filter(level=RegionLevel.TOWNSHIP)).order_by("code")
        self.fields["township"].queryset = townships
        if len(townships) == 1:
            self.fields["township"].initial = townships[0].pk
            self.fields["township"].empty_label = None


class UnreportedCheckFilterSet(BaseFilterSet):
    finding = django_filters.ChoiceFilter(label=gettext_lazy("Finding"), choices=UnreportedCheck.Finding.choices)
    township = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Township"), queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP))
    month = django_filters.DateFilter(label=gettext_lazy("Month sampled"), field_name="month", input_formats=["%Y-%m"],
                                      widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                                      method="filter_month")
    level = django_filters.ChoiceFilter(label=gettext_lazy("Drawn by"),
                                        choices=[("district", gettext_lazy("District")),
                                                 ("township", gettext_lazy("Township"))])

    class Meta:
        model = UnreportedCheck
        fields = ["finding", "township", "level"]

    def filter_month(self, queryset, name, value):
        return queryset.filter(month=value.replace(day=1))


class UnreportedCheckTable(BaseTable):
    # A 360-px phone shows who, the masked ID and the finding (the month and the village are in the filters).
    month = tables.DateColumn(verbose_name=gettext_lazy("month sampled"), format="Y-m", attrs=PHONE_HIDDEN)
    township = tables.Column(verbose_name=gettext_lazy("township"), attrs=PHONE_HIDDEN)
    person__village = tables.Column(verbose_name=gettext_lazy("village"), attrs=PHONE_HIDDEN)
    person__name = tables.Column(verbose_name=gettext_lazy("full name"),
                                 linkify=lambda record: reverse("cases:unreported_check_record", args=[record.pk]))
    person__id_number = MaskedIDColumn(verbose_name=gettext_lazy("ID number"))
    person__assistance_status = tables.Column(verbose_name=gettext_lazy("assistance status"), attrs=PHONE_HIDDEN)
    finding = tables.Column(verbose_name=gettext_lazy("finding"))
    visited_on = tables.DateColumn(verbose_name=gettext_lazy("date of the visit"), format="Y-m-d", attrs=PHONE_HIDDEN)
    level = tables.Column(verbose_name=gettext_lazy("drawn by"), attrs=PHONE_HIDDEN)

    class Meta(BaseTable.Meta):
        model = UnreportedCheck
        fields = ("month", "township", "person__village", "person__name", "person__id_number",
                  "person__assistance_status", "finding", "visited_on", "level")
        order_by = ("-month", "township")


class UnreportedCheckListView(ObjectListView):
    queryset = UnreportedCheck.objects.select_related("township", "person", "person__village")
    filterset_class = UnreportedCheckFilterSet
    table_class = UnreportedCheckTable
    permission_required = "cases.view_unreportedcheck"
    title = gettext_lazy("Checks of households never reported (漏报抽查)")
    export_title = gettext_lazy("Checks of households never reported (漏报抽查)")
    template_name = "cases/unreported_check_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _check_viewer(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        can_draw = township_checks.can_record_township_checks(user)
        context.update(
            can_draw=can_draw,
            draw_form=TownshipDrawForm(user=user, initial={"month": _last_month()}) if can_draw else None,
            summary=township_checks.unreported_summary(user=user,
                                                       start=timezone.localdate().replace(month=1, day=1)),
        )
        return context


@login_required
@permission_required("cases.add_unreportedcheck", raise_exception=True)
@require_POST
def township_checks_draw(request):
    """Draw a township's sample for a month: its 急难 leads and households never reported."""
    form = TownshipDrawForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Please choose the month and the township."))
        return redirect("cases:unreported_check_list")
    month, township = form.cleaned_data["month"], form.cleaned_data["township"]
    try:
        spot, unreported = township_checks.township_checks_draw(user=request.user, township=township, month=month)
    except LeadError as exc:
        messages.error(request, str(exc))
        return redirect("cases:unreported_check_list")
    messages.success(request, _("%(township)s, %(month)s: %(spot)s urgent (急难) leads to check again and "
                                "%(unreported)s households never reported to visit.") % {
        "township": township.name, "month": f"{month:%Y-%m}", "spot": len(spot), "unreported": len(unreported)})
    return redirect(f"{reverse('cases:unreported_check_list')}?month={month:%Y-%m}&township={township.pk}")


class UnreportedCheckForm(forms.Form):
    visited_on = forms.DateField(label=gettext_lazy("Date of the visit"), widget=_date_widget(),
                                 initial=timezone.localdate)
    finding = forms.ChoiceField(label=gettext_lazy("Finding"), widget=forms.RadioSelect,
                                choices=[c for c in UnreportedCheck.Finding.choices
                                         if c[0] != UnreportedCheck.Finding.PENDING])
    note = forms.CharField(label=gettext_lazy("What was found (required when there is hardship)"), required=False,
                           max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


@login_required
@permission_required("cases.view_unreportedcheck", raise_exception=True)
def unreported_check_record(request, pk):
    _check_viewer(request.user)
    check = (scope(request.user, UnreportedCheck.objects.select_related("person", "person__village", "township",
                                                                         "lead"))
             .filter(pk=pk).first())
    if check is None:
        raise Http404
    can_record = township_checks.can_record_township_checks(request.user)
    if request.method == "POST":
        require_role(request.user, township_checks.CHECKERS, _(
            "Only the township office or the district centre can draw and record these checks."))
        form = UnreportedCheckForm(request.POST)
        if form.is_valid():
            try:
                check = township_checks.unreported_check_record(check=check, user=request.user, **form.cleaned_data)
            except LeadError as exc:
                messages.error(request, str(exc))
            else:
                if check.lead_id:
                    messages.warning(request, _("Missed report (漏报): lead %(number)s was raised for %(name)s; it "
                                                "counts in the township's assessment.") % {
                        "number": check.lead.number, "name": check.person.name})
                else:
                    messages.success(request, _("Check recorded."))
                return redirect(f"{reverse('cases:unreported_check_list')}?month={check.month:%Y-%m}")
        else:
            messages.error(request, _("Please correct the fields marked in red."))
    else:
        initial = {"visited_on": check.visited_on or timezone.localdate(), "note": check.note}
        if check.finding != UnreportedCheck.Finding.PENDING:
            initial["finding"] = check.finding
        form = UnreportedCheckForm(initial=initial)
    audit_record(request=request, action=AuditAction.DETAIL, obj=check.person)
    return render(request, "cases/unreported_check_form.html", {
        "check": check, "person": check.person, "form": form, "can_record": can_record,
        "title": _("Check of a household never reported: %(name)s") % {"name": check.person.name}})
