"""The ledgers (台账), read through the other apps' models and always through the user's scope."""
from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scoping import scope
from cases.choices import OutcomeStatus
from cases.models import Investigation, Lead, Outcome

# Seed 001's attachment, 黔江区社会救助主动发现救助对象明细表: exactly these columns, in this order.
DISCOVERY_DETAIL_COLUMNS = [
    ("序号", 6), ("发现方式", 12), ("发现人", 12), ("所属乡镇（街道）", 14), ("对象姓名", 10),
    ("家庭基本情况", 40), ("疑似符合救助", 20), ("乡镇（街道）调查情况", 40), ("乡镇（街道）办理结果", 36),
    ("备注", 24),
]
DISCOVERY_DETAIL_TITLE = gettext_lazy("Detailed list of people found by proactive discovery")


def discovery_detail_leads(*, user, leads: QuerySet | None = None) -> QuerySet:
    """The leads of the ledger (the given filtered queryset, or all), scoped, with what the columns read."""
    leads = scope(user, leads if leads is not None else Lead.objects.all())
    return (leads.exclude(status="merged")
            .select_related("township", "person", "discoverer")
            .prefetch_related(
                "suspected_relief",
                Prefetch("outcomes", queryset=Outcome.objects.order_by("included_on", "id")),
                Prefetch("investigations", queryset=Investigation.objects.order_by("-started_at")))
            .order_by("township__code", "reported_at", "id"))


def _investigation_text(lead: Lead) -> str:
    investigations = list(lead.investigations.all())
    if not investigations:
        return _("Not yet investigated")
    inv = investigations[0]
    parts = []
    if inv.visited_on:
        met = _("met the person") if inv.met_in_person else _("did not meet the person")
        parts.append(_("Home visit on %(date)s, %(met)s") % {"date": f"{inv.visited_on:%Y-%m-%d}", "met": met})
    if inv.difficulty_class:
        parts.append(inv.get_difficulty_class_display())
    if inv.proposals:
        parts.append(inv.proposals)
    return "；".join(parts) or _("Investigation started")


def _result_text(lead: Lead) -> str:
    lines = []
    for outcome in lead.outcomes.all():
        if outcome.status == OutcomeStatus.CANCELLED:
            continue
        label = outcome.get_kind_display()
        if outcome.kind == "not_eligible":
            lines.append(f"{label}：{outcome.reason}" if outcome.reason else label)
        elif outcome.status == OutcomeStatus.DONE and outcome.included_on:
            lines.append(_("%(outcome)s (included on %(date)s)") % {
                "outcome": label, "date": f"{outcome.included_on:%Y-%m-%d}"})
        else:
            lines.append(f"{label}（{outcome.get_status_display()}）")
    if not lines:
        if lead.status == "rejected":
            return _("Not accepted: %(reason)s") % {"reason": lead.reject_reason}
        return lead.get_status_display()
    return "\n".join(lines)


def _remarks(lead: Lead) -> str:
    bits = [lead.number]
    if lead.is_urgent:
        bits.append(_("Urgent (急难)"))
    if lead.is_late_report:
        bits.append(_("Late report"))
    return "；".join(bits)


def discovery_detail_rows(*, leads: QuerySet) -> Iterator[list]:
    for n, lead in enumerate(leads.iterator(chunk_size=2000), start=1):
        yield [
            n,
            lead.get_method_display(),
            lead.discoverer.display_name if lead.discoverer else lead.discoverer_name,
            lead.township.name,
            lead.person.name,
            lead.family_situation,
            "、".join(k.name for k in lead.suspected_relief.all()),
            _investigation_text(lead),
            _result_text(lead),
            _remarks(lead),
        ]
