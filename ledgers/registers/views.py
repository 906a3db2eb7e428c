"""The ledger pages: lists a user filters, whose Excel export is the official ledger, and ledger exports of
other apps' lists (the lead list's 明细表, the transfer-form list's tracking ledger).

Every export goes through :func:`common.views.export_response`: written at once when small, as a
background job when large, always scoped, masked for the role, and audited.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.models import Region
from accounts.scoping import scope
from cases.filters import LeadFilterSet
from cases.models import Lead, Outcome
from common.views import ObjectListView, export_response
from referrals.filters import TransferFormFilterSet
from referrals.models import TransferForm

from . import selectors
from .filters import NewlyAssistedFilterSet, ObservationFilterSet, UrgentFilterSet
from .services import ledger_spec
from .tables import NewlyAssistedTable, ObservationTable, UrgentTable


def _filter_region_name(user, data: dict) -> str:
    """The region of the title row: the village or township filtered on, else the user's region."""
    village, township = data.get("village"), data.get("township")
    if village is not None:
        return f"{village.parent.name}{village.name}" if village.parent_id else village.name
    if township is not None:
        return township.name
    return user.region.name


def _filter_period(data: dict, start: str, end: str) -> str:
    """The period of the title row from the filter's dates ("" = up to today)."""
    first, last = data.get(start), data.get(end)
    if first and last:
        return f"{first:%Y年%m月%d日}至{last:%Y年%m月%d日}"
    if first:
        return f"{first:%Y年%m月%d日}起"
    if last:
        return f"截至{last:%Y年%m月%d日}"
    return ""


class LedgerExportMixin:
    """``export_spec()`` of a ledger from a filterset over the user's rows."""

    ledger_kind = ""
    period_fields = ("", "")  # the filter's (from, to) date fields

    def ledger_spec_for(self, filterset):
        valid = filterset.is_valid() if filterset.is_bound else True
        queryset = filterset.qs if filterset.is_bound and valid else filterset.queryset
        if not valid:
            queryset = queryset.none()
        data = filterset.form.cleaned_data if filterset.is_bound and valid else {}
        user = self.request.user
        return ledger_spec(self.ledger_kind, user=user, queryset=queryset,
                           region_name=_filter_region_name(user, data),
                           period=_filter_period(data, *self.period_fields),
                           audit_detail=self.request.GET.urlencode())


# --- ledgers with their own list ------------------------------------------------------------------
class LedgerListView(LedgerExportMixin, ObjectListView):
    """A ledger's list: the user filters it, and "Export to Excel" writes the official layout."""

    template_name = "ledgers/ledger_list.html"
    description = ""
    # The page lists newest first along an index; the export keeps the ledger's official order (township, date).
    # Sorting a district's 580,000 outcomes by township name to show 25 of them cost ~1 s (issue 15).
    page_ordering: tuple[str, ...] = ()

    def get_queryset(self):
        queryset = selectors.LEDGERS[self.ledger_kind].prepare(user=self.request.user, base=super().get_queryset())
        # The ledger's joins and prefetches are what the export's columns read; the page shows a few columns,
        # whose relations the table joins itself (common.tables.BaseTable.relations_for). The export prepares
        # the ledger again from this queryset (ledger_spec), with all of them (DECISIONS 1301).
        queryset = queryset.select_related(None).prefetch_related(None)
        return queryset.order_by(*self.page_ordering) if self.page_ordering else queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["description"] = self.description
        context["ledger_headers"] = [h for h, _w in selectors.LEDGERS[self.ledger_kind].columns]
        return context

    def export_spec(self):
        return self.ledger_spec_for(self.get_filterset(self.get_filterset_class()))


class NewlyAssistedListView(LedgerListView):
    ledger_kind = "newly_assisted"
    queryset = Outcome.objects.all()
    filterset_class = NewlyAssistedFilterSet
    table_class = NewlyAssistedTable
    permission_required = "cases.view_outcome"
    period_fields = ("included_from", "included_to")
    default_period_field = "included_from"
    page_ordering = ("-included_on", "-id")
    title = selectors.NEWLY_ASSISTED_TITLE
    description = gettext_lazy("People newly included in 特困, 低保, low-income monitoring or temporary relief, or "
                               "referred to another department's relief, with the date of inclusion (seed 001).")


class ObservationListView(LedgerListView):
    ledger_kind = "observation"
    queryset = Outcome.objects.all()
    filterset_class = ObservationFilterSet
    table_class = ObservationTable
    permission_required = "cases.view_outcome"
    period_fields = ("included_from", "included_to")
    page_ordering = ("-included_on", "-id")
    title = selectors.OBSERVATION_TITLE
    description = gettext_lazy("Families not eligible under the current rules but in real hardship, kept on the "
                               "observation list and reviewed regularly (seed 001).")


class UrgentListView(LedgerListView):
    ledger_kind = "urgent"
    queryset = Lead.objects.all()
    filterset_class = UrgentFilterSet
    table_class = UrgentTable
    permission_required = "cases.view_lead"
    period_fields = ("discovered_from", "discovered_to")
    default_period_field = "discovered_from"
    page_ordering = ("-discovered_on", "-id")
    title = selectors.URGENT_TITLE
    description = gettext_lazy("Urgent (急难) leads with the person's health, labour capacity, causes of hardship and "
                               "difficulty class from the home visit (seed 002).")


# --- ledgers exported from another app's list ------------------------------------------------------
class LedgerOfListExportView(LedgerExportMixin, LoginRequiredMixin, PermissionRequiredMixin, View):
    """The official ledger of another list's current filters (offered there through ``extra_exports``)."""

    raise_exception = True
    model = None
    filterset_class = None
    list_url_name = ""

    def get(self, request, *args, **kwargs):
        return export_response(self)

    def export_spec(self):
        filterset = self.filterset_class(self.request.GET or None, request=self.request,
                                         queryset=scope(self.request.user, self.model.objects.all()))
        return self.ledger_spec_for(filterset)

    def export_back_url(self) -> str:
        query = self.request.GET.copy()
        query.pop("export", None)
        return f"{reverse(self.list_url_name)}?{query.urlencode()}"


class DiscoveryDetailExportView(LedgerOfListExportView):
    """主动发现救助对象明细表 of the lead list's current filters."""

    ledger_kind = "discovery_detail"
    model = Lead
    filterset_class = LeadFilterSet
    permission_required = "cases.view_lead"
    list_url_name = "cases:lead_list"
    period_fields = ("discovered_after", "discovered_before")


class TransferTrackingExportView(LedgerOfListExportView):
    """转办单跟踪台账 of the transfer-form list's current filters."""

    ledger_kind = "transfer_tracking"
    model = TransferForm
    filterset_class = TransferFormFilterSet
    permission_required = "referrals.view_transferform"
    list_url_name = "referrals:transferform_list"
    period_fields = ("issued_from", "issued_to")


discovery_detail = DiscoveryDetailExportView.as_view()
transfer_tracking = TransferTrackingExportView.as_view()


# --- the index -------------------------------------------------------------------------------
@login_required
def ledger_index(request):
    """Every ledger, where to filter it and what it holds."""
    user = request.user
    entries = [
        (selectors.DISCOVERY_DETAIL_TITLE, "cases:lead_list", "cases.view_lead",
         gettext_lazy("One row per lead in the ten columns of the %(district)s 明细表 (seed 001): filter the "
                      "lead list, then “Official ledger (明细表)”.")),
        (selectors.NEWLY_ASSISTED_TITLE, "ledgers:newly_assisted", "cases.view_outcome", NewlyAssistedListView.description),
        (selectors.OBSERVATION_TITLE, "ledgers:observation", "cases.view_outcome", ObservationListView.description),
        (selectors.URGENT_TITLE, "ledgers:urgent", "cases.view_lead", UrgentListView.description),
        (selectors.TRANSFER_TITLE, "referrals:transferform_list", "referrals.view_transferform",
         gettext_lazy("Every transfer form with its recipient, deadline, answer, overdue working days and reminders: "
                      "filter the transfer-form list, then “Tracking ledger”.")),
    ]
    # The district's own name (博山区, not the seed notice's 黔江区), for a township user their township's.
    region_name = user.region.name if user.region_id else ""
    district = Region.objects.filter(code=f"{user.region.district_code}000000").first() if user.region_id else None
    district_name = district.name if district is not None else region_name
    ledgers = [{"title": f"{region_name}{title}", "url": reverse(url_name),
                "description": str(description) % {"district": district_name} if "%(district)s" in str(description)
                else description}
               for title, url_name, permission, description in entries if user.has_perm(permission)]
    return render(request, "ledgers/index.html", {"ledgers": ledgers})
