"""包村 / 包户 from the pages (issue 17 rule 3; seed 003: "全面落实'镇（街道）干部包村（社区）、村（社区）干部包户'走访联系
制度"): the township assigns a cadre to a village on the list page, and a village cadre to a household from the lead
or the roster entry (the panel "who is responsible"); the list shows who is responsible where."""
from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from accounts.scoping import scope
from common.filters import BaseFilterSet, FastSelect
from common.tables import PHONE_HIDDEN, BaseTable
from common.views import ObjectListView

from . import assignments
from .models import CadreAssignment, Household
from .services import LeadError

User = get_user_model()


class VillageCadreForm(forms.Form):
    """包村: a township cadre for a village."""

    # FastSelect: Django's markup without a template per option (a district's 296 villages: issue 15).
    village = forms.ModelChoiceField(label=gettext_lazy("Village"), queryset=Region.objects.none(), widget=FastSelect)
    cadre_name = forms.CharField(label=gettext_lazy("Cadre"), max_length=32)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20, required=False)
    cadre_user = forms.ModelChoiceField(label=gettext_lazy("Cadre's account (if any)"), required=False,
                                        queryset=User.objects.none(), widget=FastSelect)
    since = forms.DateField(label=gettext_lazy("Since"), initial=timezone.localdate,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = scope(user, Region.objects.filter(level=RegionLevel.VILLAGE)) \
            .select_related("parent").order_by("code")
        self.fields["village"].label_from_instance = lambda r: f"{r.parent.name} · {r.name}" if r.parent else r.name
        self.fields["cadre_user"].queryset = scope(user, User.objects.filter(
            is_active=True, role__in=[Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD])).order_by("username")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")


class HouseholdCadreForm(forms.Form):
    """包户: a village cadre for a household (posted from the lead or the roster entry)."""

    household = forms.IntegerField(widget=forms.HiddenInput)
    cadre_name = forms.CharField(label=gettext_lazy("Village cadre (包户)"), max_length=32)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20, required=False)
    since = forms.DateField(label=gettext_lazy("Since"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class CadreAssignmentFilterSet(BaseFilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=CadreAssignment.Kind.choices)
    village = django_filters.ModelChoiceFilter(label=gettext_lazy("Village"),
                                               queryset=Region.objects.filter(level=RegionLevel.VILLAGE))
    current = django_filters.ChoiceFilter(label=gettext_lazy("Current"), method="filter_current", empty_label=None,
                                          choices=[("yes", gettext_lazy("Current")), ("all", gettext_lazy("All"))])
    q = django_filters.CharFilter(label=gettext_lazy("Cadre's name"), field_name="cadre_name",
                                  lookup_expr="icontains")

    class Meta:
        model = CadreAssignment
        fields = ["kind", "village"]

    def filter_current(self, queryset, name, value):
        if value == "all":
            return queryset
        today = timezone.localdate()
        return queryset.filter(Q(until__isnull=True) | Q(until__gte=today), since__lte=today)

    @property
    def qs(self):
        queryset = super().qs
        if not (self.data or {}).get("current"):
            queryset = self.filter_current(queryset, "current", "yes")
        return queryset


class CadreAssignmentTable(BaseTable):
    kind = tables.Column(verbose_name=gettext_lazy("kind"))
    village = tables.Column(verbose_name=gettext_lazy("village"))
    household = tables.Column(verbose_name=gettext_lazy("household"), accessor="household__head__name",
                              default="—")
    cadre_name = tables.Column(verbose_name=gettext_lazy("cadre"))
    phone = tables.Column(verbose_name=gettext_lazy("phone"), attrs=PHONE_HIDDEN)
    cadre_user = tables.Column(verbose_name=gettext_lazy("account"), attrs=PHONE_HIDDEN, default="—")
    since = tables.DateColumn(verbose_name=gettext_lazy("since"), format="Y-m-d", attrs=PHONE_HIDDEN)
    until = tables.DateColumn(verbose_name=gettext_lazy("until"), format="Y-m-d", attrs=PHONE_HIDDEN, default="")
    end = tables.Column(verbose_name="", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(BaseTable.Meta):
        model = CadreAssignment
        fields = ("kind", "village", "household", "cadre_name", "phone", "cadre_user", "since", "until")
        order_by = ("village",)

    def render_end(self, record, value):
        if record.until is not None:
            return ""
        return format_html('<button class="btn btn-sm btn-outline-danger py-0" type="submit" form="end-assignment" '
                           'name="assignment" value="{}">{}</button>', value, _("End"))


class CadreAssignmentListView(ObjectListView):
    queryset = CadreAssignment.objects.select_related("village", "household__head", "cadre_user")
    filterset_class = CadreAssignmentFilterSet
    table_class = CadreAssignmentTable
    permission_required = "cases.view_cadreassignment"
    title = gettext_lazy("Cadres for villages and households (包村, 包户)")  # also the sheet's name: no "/"
    export_title = title
    template_name = "cases/cadre_assignment_list.html"

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if not assignments.can_assign(self.request.user):
            kwargs["exclude"] = ("end",)  # the button needs the form only assigners get
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        can = assignments.can_assign(user)
        context.update(can_assign=can, form=VillageCadreForm(user=user) if can else None,
                       villages_without=assignments.villages_without_cadre(user=user))
        return context


def _back(request, fallback):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
@permission_required("cases.view_cadreassignment", raise_exception=True)  # who may assign: assignments.can_assign
@require_POST
def cadre_assign(request):
    user = request.user
    if request.POST.get("kind") == CadreAssignment.Kind.HOUSEHOLD:
        form = HouseholdCadreForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Please enter the cadre's name."))
            return _back(request, "cases:cadre_assignment_list")
        household = scope(user, Household.objects.select_related("village")) \
            .filter(pk=form.cleaned_data["household"]).first()
        if household is None:
            raise Http404
        data = {"kind": CadreAssignment.Kind.HOUSEHOLD, "household": household, "village": household.village,
                "cadre_name": form.cleaned_data["cadre_name"], "phone": form.cleaned_data["phone"],
                "since": form.cleaned_data["since"]}
    else:
        form = VillageCadreForm(request.POST, user=user)
        if not form.is_valid():
            messages.error(request, _("Please correct the fields marked in red."))
            return _back(request, "cases:cadre_assignment_list")
        data = {"kind": CadreAssignment.Kind.VILLAGE, **form.cleaned_data}
    try:
        done = assignments.cadre_assign(user=user, **data)
    except LeadError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(cadre)s is now responsible (%(kind)s).") % {
            "cadre": done.cadre_name, "kind": done.get_kind_display()})
    return _back(request, "cases:cadre_assignment_list")


@login_required
@permission_required("cases.view_cadreassignment", raise_exception=True)
@require_POST
def cadre_assignment_end(request):
    assignment = scope(request.user, CadreAssignment.objects.all()).filter(
        pk=request.POST.get("assignment") or 0).first()
    if assignment is None:
        raise Http404
    try:
        assignments.cadre_assignment_end(user=request.user, assignment=assignment)
    except LeadError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(cadre)s is no longer responsible.") % {"cadre": assignment.cadre_name})
    return _back(request, "cases:cadre_assignment_list")
