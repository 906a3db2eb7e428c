"""The other ledgers (台账) and the catalogue of all of them, read through the other apps' models and always
through the user's scope.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import can_see_full_id_number
from accounts.scoping import scope
from cases.choices import (
    ASSISTED_OUTCOMES, ArchiveClass, FollowUpKind, FollowUpStatus, LeadStatus, OutcomeKind, OutcomeStatus,
)
from cases.models import FollowUp, Investigation, Lead, Outcome
from common import resident_id
from referrals.choices import AWAITING_ANSWER
from referrals.models import TransferForm
from referrals.workdays import WorkCalendar

from .detail import (
    DISCOVERY_DETAIL_COLUMNS, DISCOVERY_DETAIL_KINDS, DISCOVERY_DETAIL_TITLE, _result_text, discovery_detail_leads,
    discovery_detail_rows,
)


# --- the other ledgers ------------------------------------------------------------------------
# Seed 001 二(四) names the two archive classes (新增救助群众 / 救助观察群众) and seed 002 二(五) the
# 急难对象台账 (身体状况、劳动能力、致困原因、困难程度) and the 专用台账 of transfers; they give no
# attachment, so these headers are ours, in the words of the notices.
NEWLY_ASSISTED_COLUMNS = [
    ("序号", 6), ("所属乡镇（街道）", 14), ("村（社区）", 14), ("姓名", 10), ("身份证号码", 21), ("家庭人口", 8),
    ("救助类别", 24), ("救助金额（元）", 12), ("纳入时间", 12), ("发现方式", 12), ("线索编号", 16), ("备注", 30),
]
NEWLY_ASSISTED_TITLE = gettext_lazy("Ledger of newly assisted people")
# What each column holds (common.xlsx.Column.kind): "number", "text", or None for dates and amounts.
_N, _T = "number", "text"
NEWLY_ASSISTED_KINDS = (_N, _T, _T, _T, _T, _N, _T, None, None, _T, _T, _T)

OBSERVATION_COLUMNS = [
    ("序号", 6), ("所属乡镇（街道）", 14), ("村（社区）", 14), ("姓名", 10), ("身份证号码", 21), ("家庭人口", 8),
    ("困难类别", 12), ("致困原因", 16), ("实际困难情况", 36), ("不符合救助条件的理由", 30), ("列入观察时间", 12),
    ("最近复核情况", 30), ("下次复核时间", 12), ("线索编号", 16), ("备注", 24),
]
OBSERVATION_TITLE = gettext_lazy("Ledger of people under relief observation")
OBSERVATION_KINDS = (_N, _T, _T, _T, _T, _N, _T, _T, _T, _T, None, _T, None, _T, _T)

URGENT_COLUMNS = [
    ("序号", 6), ("线索编号", 16), ("所属乡镇（街道）", 14), ("村（社区）", 14), ("姓名", 10), ("身份证号码", 21),
    ("发现日期", 12), ("身体状况", 16), ("劳动能力", 12), ("致困原因", 16), ("困难程度", 12), ("救助措施", 36),
    ("办理状态", 10), ("回访情况", 30), ("备注", 24),
]
URGENT_TITLE = gettext_lazy("Ledger of people in urgent hardship")
URGENT_KINDS = (_N, _T, _T, _T, _T, _T, None, _T, _T, _T, _T, _T, _T, _T, _T)

TRANSFER_COLUMNS = [
    ("序号", 6), ("转办单编号", 16), ("转办类别", 12), ("线索编号", 16), ("对象姓名", 10), ("转办单位", 14),
    ("接收单位", 16), ("转办事项", 30), ("转办时间", 17), ("办理期限", 12), ("签收时间", 17), ("反馈时间", 17),
    ("调查处理情况", 36), ("逾期工作日", 10), ("催办次数", 8), ("催办等级", 10), ("状态", 10), ("销案时间", 17),
]
TRANSFER_TITLE = gettext_lazy("Transfer form tracking ledger")
TRANSFER_KINDS = (_N, _T, _T, _T, _T, _T, _T, _T, None, None, None, None, _T, _N, _N, _T, _T, None)


def id_number_for(user) -> Callable[[str], str]:
    """How this user's exports show resident IDs: whole for the roles that need them, else masked."""
    return (lambda number: number) if can_see_full_id_number(user) else resident_id.mask


def _latest_investigation(lead: Lead) -> Investigation | None:
    investigations = lead.investigations.all()  # prefetched, newest first
    return investigations[0] if investigations else None


def _causes_text(lead: Lead, inv: Investigation | None) -> str:
    causes = list(inv.causes.all()) if inv is not None else []
    return "、".join(c.name for c in (causes or lead.causes.all()))


def _household_size(inv: Investigation | None):
    return inv.household_size if inv is not None else None


_INVESTIGATIONS = Prefetch("lead__investigations", queryset=Investigation.objects.order_by("-started_at", "-id")
                           .prefetch_related("causes"))


# 新增救助群众台账: one row per assistance given (seed 001: new 特困, 低保, low-income, 临时救助, referred).
def newly_assisted_outcomes(*, user, outcomes: QuerySet | None = None) -> QuerySet:
    outcomes = scope(user, outcomes if outcomes is not None else Outcome.objects.all())
    # No "lead not merged" test: only a lead not yet accepted can be merged (cases.services.lead_merge), and such a
    # lead has no outcome; without the join to the leads a township's count is an index scan (issue 15).
    return (outcomes.filter(status=OutcomeStatus.DONE, kind__in=ASSISTED_OUTCOMES)
            .select_related("lead__township", "lead__village", "lead__person", "department")
            .prefetch_related(_INVESTIGATIONS, "lead__causes")
            .order_by("township__code", "included_on", "id"))


def _assistance_text(outcome: Outcome) -> str:
    text = str(outcome)
    if outcome.kind == OutcomeKind.MONITORING and outcome.monitoring_group:
        text = f"{text}（{outcome.get_monitoring_group_display()}）"
    if outcome.whole_household:
        text = f"{text}（{_('whole household')}）"
    return text


def _assistance_remarks(outcome: Outcome) -> str:
    bits = []
    if outcome.department_id:
        bits.append(_("Referred to %(department)s") % {"department": outcome.department.name})
    if outcome.transfer_form_number:
        bits.append(_("transfer form %(number)s") % {"number": outcome.transfer_form_number})
    if outcome.is_advance:
        bits.append(_("Relief paid first (先行救助)"))
    if outcome.is_case_by_case:
        bits.append(_("Decided case by case (一事一议)"))
    if outcome.lead.is_urgent:
        bits.append(_("Urgent (急难)"))
    if outcome.note:
        bits.append(outcome.note)
    return "；".join(bits)


def newly_assisted_rows(*, outcomes: QuerySet, user) -> Iterator[list]:
    show_id = id_number_for(user)
    for n, outcome in enumerate(outcomes.iterator(chunk_size=2000), start=1):
        lead = outcome.lead
        yield [
            n, lead.township.name, lead.village.name, lead.person.name, show_id(lead.person.id_number),
            _household_size(_latest_investigation(lead)), _assistance_text(outcome), outcome.amount,
            outcome.included_on, lead.get_method_display(), lead.number, _assistance_remarks(outcome),
        ]


# 救助观察群众台账: people not eligible today but in real hardship, kept on the observation list and reviewed.
# A lead reopened after the outcome (a review found hardship) leaves the ledger until it is closed again on the
# observation list (issue 17 rule 12): while it is investigated again it has no next review.
# Closed again on the observation list, the lead shows once: by its new observation outcome, or by the old one when
# no new one was recorded.
# One NOT EXISTS against the reopened leads (a partial index of the few, lead_reopened_idx): the list's capped count
# no longer walks every lead its outcomes name (DECISIONS 1302). ``recorded_at`` is never null.
_REOPENED_SINCE = Exists(
    Lead.objects.filter(pk=OuterRef("lead_id"), reopened_at__isnull=False, reopened_at__gt=OuterRef("recorded_at"))
    .filter(~Q(status=LeadStatus.CLOSED, archive_class=ArchiveClass.OBSERVATION)
            | Exists(Outcome.objects.filter(lead_id=OuterRef("pk"), kind=OutcomeKind.OBSERVATION,
                                            status=OutcomeStatus.DONE, recorded_at__gte=OuterRef("reopened_at")))))


def observation_outcomes(*, user, outcomes: QuerySet | None = None) -> QuerySet:
    outcomes = scope(user, outcomes if outcomes is not None else Outcome.objects.all())
    # No "lead not merged" test, as for 新增救助群众: only a lead not yet accepted can be merged, and it has no outcome;
    # without the join to the leads the count reads the partial covering indexes alone (DECISIONS 1104, 1302).
    return (outcomes.filter(status=OutcomeStatus.DONE, kind=OutcomeKind.OBSERVATION)
            .exclude(_REOPENED_SINCE)
            .select_related("lead__township", "lead__village", "lead__person")
            .prefetch_related(
                _INVESTIGATIONS, "lead__causes",
                Prefetch("lead__outcomes", queryset=Outcome.objects.filter(
                    kind=OutcomeKind.NOT_ELIGIBLE, status=OutcomeStatus.DONE).order_by("id"),
                    to_attr="not_eligible_outcomes"),
                Prefetch("lead__follow_ups", queryset=FollowUp.objects.filter(
                    kind=FollowUpKind.OBSERVATION_REVIEW).exclude(status=FollowUpStatus.CANCELLED)
                    .order_by("due_on", "id"), to_attr="observation_reviews"))
            .order_by("township__code", "included_on", "id"))


def _review_texts(lead: Lead) -> tuple[str, dt.date | None]:
    """The last review done (date, finding) and the next review due."""
    done = [f for f in lead.observation_reviews if f.status == FollowUpStatus.DONE]
    due = [f for f in lead.observation_reviews if f.status == FollowUpStatus.DUE]
    last = ""
    if done:
        review = done[-1]
        hardship = _("still in hardship") if review.still_in_hardship else _("hardship eased")
        last = f"{review.done_on:%Y-%m-%d} {hardship}" + (f"：{review.findings}" if review.findings else "")
    return last, (due[0].due_on if due else None)


def observation_rows(*, outcomes: QuerySet, user) -> Iterator[list]:
    show_id = id_number_for(user)
    for n, outcome in enumerate(outcomes.iterator(chunk_size=2000), start=1):
        lead = outcome.lead
        inv = _latest_investigation(lead)
        reasons = [o.reason for o in lead.not_eligible_outcomes if o.reason] or ([outcome.reason] if outcome.reason
                                                                                 else [])
        last_review, next_review = _review_texts(lead)
        yield [
            n, lead.township.name, lead.village.name, lead.person.name, show_id(lead.person.id_number),
            _household_size(inv), inv.get_difficulty_class_display() if inv is not None else "",
            _causes_text(lead, inv), (inv.situation if inv is not None and inv.situation else lead.family_situation),
            "；".join(reasons), outcome.included_on, last_review, next_review, lead.number, outcome.note,
        ]


# 急难对象台账 (seed 002): urgent leads with the investigation's health, labour capacity, causes and difficulty.
def urgent_leads(*, user, leads: QuerySet | None = None) -> QuerySet:
    leads = scope(user, leads if leads is not None else Lead.objects.all())
    return (leads.filter(is_urgent=True).exclude(status=LeadStatus.MERGED)
            .select_related("township", "village", "person")
            .prefetch_related(
                "causes",
                Prefetch("investigations", queryset=Investigation.objects.order_by("-started_at", "-id")
                         .prefetch_related("causes")),
                Prefetch("outcomes", queryset=Outcome.objects.order_by("included_on", "id")),
                Prefetch("follow_ups", queryset=FollowUp.objects.filter(kind=FollowUpKind.AFTER_OUTCOME)
                         .exclude(status=FollowUpStatus.CANCELLED).order_by("due_on", "id")))
            .order_by("township__code", "discovered_on", "id"))


def _health_text(inv: Investigation | None) -> str:
    if inv is None or not inv.health:
        return ""
    text = inv.get_health_display()
    return f"{text}（{inv.health_note}）" if inv.health_note else text


def _follow_up_text(lead: Lead) -> str:
    lines = []
    for f in lead.follow_ups.all():
        if f.status == FollowUpStatus.DONE:
            lines.append(f"{f.done_on:%Y-%m-%d} {f.get_mode_display()}" + (f"：{f.findings}" if f.findings else ""))
        else:
            lines.append(_("due %(date)s") % {"date": f"{f.due_on:%Y-%m-%d}"})
    return "\n".join(lines)


def _urgent_remarks(lead: Lead) -> str:
    bits = []
    if lead.green_channel_at:
        bits.append(_("Green channel opened %(date)s") % {"date": f"{timezone.localtime(lead.green_channel_at):%Y-%m-%d}"})
    if any(o.is_advance for o in lead.outcomes.all()):
        bits.append(_("Relief paid first (先行救助)"))
    if lead.is_late_report:
        bits.append(_("Late report"))
    return "；".join(bits)


def urgent_rows(*, leads: QuerySet, user) -> Iterator[list]:
    show_id = id_number_for(user)
    for n, lead in enumerate(leads.iterator(chunk_size=2000), start=1):
        inv = _latest_investigation(lead)
        yield [
            n, lead.number, lead.township.name, lead.village.name, lead.person.name, show_id(lead.person.id_number),
            lead.discovered_on, _health_text(inv),
            inv.get_labour_capacity_display() if inv is not None else "", _causes_text(lead, inv),
            inv.get_difficulty_class_display() if inv is not None else "", _result_text(lead),
            lead.get_status_display(), _follow_up_text(lead), _urgent_remarks(lead),
        ]


# 转办单跟踪台账 (seed 002 二(四): 设立专用台账跟踪办理结果, seed 003: answered within 5 working days).
def transfer_forms(*, user, forms: QuerySet | None = None) -> QuerySet:
    forms = scope(user, forms if forms is not None else TransferForm.objects.all())
    return (forms.select_related("kind", "lead__person", "from_region", "to_region", "to_department")
            .annotate(reminder_count=Count("reminders"))
            .order_by("issued_at", "id"))


def transfer_overdue_days(form: TransferForm, *, today: dt.date, calendar: WorkCalendar) -> int:
    """Working days past the due date: until today while awaited, until the answer once answered."""
    if form.status in AWAITING_ANSWER:
        end = today
    elif form.answered_at is not None:
        end = timezone.localdate(form.answered_at)
    else:
        return 0
    return max(0, calendar.working_days_between(form.due_on, end)) if end > form.due_on else 0


def transfer_rows(*, forms: QuerySet, user) -> Iterator[list]:
    calendar = WorkCalendar.preloaded()
    today = timezone.localdate()
    for n, form in enumerate(forms.iterator(chunk_size=2000), start=1):
        answer = form.answer_text
        if form.result:
            answer = f"{form.get_result_display()}：{answer}" if answer else form.get_result_display()
        yield [
            n, form.number, form.kind.name, form.lead.number, form.lead.person.name, form.from_region.name,
            form.recipient_name, form.request_text, form.issued_at, form.due_on, form.received_at,
            form.answered_at, answer, transfer_overdue_days(form, today=today, calendar=calendar),
            form.reminder_count, form.get_chase_level_display(), form.get_status_display(), form.closed_at,
        ]


# --- the registry of ledgers (views, the operator command and the bench go through it) -------------
@dataclass(frozen=True)
class Ledger:
    kind: str
    title: object  # a lazy string: the sheet's name and the heart of its title row
    columns: list[tuple[str, float]]
    model: type
    queryset: Callable[..., QuerySet]   # (user, base queryset) → scoped, ordered, with what the rows read
    rows: Callable[..., Iterator[list]]  # (queryset, user) → rows
    # For the operator command: the township of a row and the date its month is read from.
    township_field: str
    month_field: str
    kinds: tuple[str | None, ...] = ()  # each column's kind (common.xlsx.Column.kind), when known

    def prepare(self, *, user, base: QuerySet | None = None) -> QuerySet:
        if base is not None:
            base = base.prefetch_related(None)  # a list's own prefetches would clash with the ledger's
        return self.queryset(user=user, base=base)

    def iter_rows(self, *, queryset: QuerySet, user) -> Iterator[list]:
        return self.rows(queryset=queryset, user=user)


LEDGERS: dict[str, Ledger] = {
    "discovery_detail": Ledger(
        "discovery_detail", DISCOVERY_DETAIL_TITLE, DISCOVERY_DETAIL_COLUMNS, Lead,
        lambda user, base: discovery_detail_leads(user=user, leads=base),
        lambda queryset, user: discovery_detail_rows(leads=queryset),
        "township", "reported_at__date", DISCOVERY_DETAIL_KINDS),
    "newly_assisted": Ledger(
        "newly_assisted", NEWLY_ASSISTED_TITLE, NEWLY_ASSISTED_COLUMNS, Outcome,
        lambda user, base: newly_assisted_outcomes(user=user, outcomes=base),
        lambda queryset, user: newly_assisted_rows(outcomes=queryset, user=user),
        "township", "included_on", NEWLY_ASSISTED_KINDS),
    "observation": Ledger(
        "observation", OBSERVATION_TITLE, OBSERVATION_COLUMNS, Outcome,
        lambda user, base: observation_outcomes(user=user, outcomes=base),
        lambda queryset, user: observation_rows(outcomes=queryset, user=user),
        "township", "included_on", OBSERVATION_KINDS),
    "urgent": Ledger(
        "urgent", URGENT_TITLE, URGENT_COLUMNS, Lead,
        lambda user, base: urgent_leads(user=user, leads=base),
        lambda queryset, user: urgent_rows(leads=queryset, user=user),
        "township", "discovered_on", URGENT_KINDS),
    "transfer_tracking": Ledger(
        "transfer_tracking", TRANSFER_TITLE, TRANSFER_COLUMNS, TransferForm,
        lambda user, base: transfer_forms(user=user, forms=base),
        lambda queryset, user: transfer_rows(forms=queryset, user=user),
        "scope_region", "issued_at__date", TRANSFER_KINDS),
}
