"""The dated duties of the lead's life, as kinds of the obligation engine (referrals.obligations).

| kind | what is owed | default | source |
|---|---|---|---|
| ``lead_acceptance_urgent`` | a 急难 lead accepted | the same working day | 000, 002 |
| ``lead_acceptance`` | any other lead accepted | 1 working day after the report | 003 当日上报, DESIGN §5 |
| ``lead_investigation`` | an accepted lead investigated and assessed | 5 working days after acceptance | 003 |
| ``dibao_decision`` | a 低保 application decided (date of inclusion) | 30 working days | 民发〔2021〕57号 |
| ``tekun_decision`` | a 特困 application decided | 25 working days (15 + 10) | 民发〔2021〕43号 |
| ``advance_paperwork`` | papers of relief paid first (先行救助) | 5 working days (district settings) | 国发〔2014〕47号 |
| ``follow_up`` | a follow-up visit (回访) after closing | its due date | 003 回访测评 |
| ``observation_review`` | the observation list reviewed | every 3 months (district settings) | 002 二(六) |

Services set the due dates (``Lead.due_on``, ``Outcome.decision_due_on``…) with :func:`acceptance_due_on`
and friends; the duties below are what the 08:30 job chases. See docs/DEADLINES.md.
"""
from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals.obligations import Duty, ObligationKind, limit, obligation_kinds
from referrals.services import district_centre, township_office
from referrals.workdays import WorkCalendar

from .choices import FollowUpKind, FollowUpStatus, LeadStatus, OutcomeKind, OutcomeStatus, Paperwork
from .models import FollowUp, Lead, Outcome

URGENT_ACCEPTANCE = "lead_acceptance_urgent"
ACCEPTANCE = "lead_acceptance"
INVESTIGATION = "lead_investigation"
DECISION_KINDS = {OutcomeKind.DIBAO: "dibao_decision", OutcomeKind.TEKUN: "tekun_decision"}
INVESTIGATING_STATUSES = (LeadStatus.ACCEPTED, LeadStatus.INVESTIGATING)


# --- due dates the services set ------------------------------------------------------------------
def _first_working_day(day: dt.date, calendar: WorkCalendar) -> dt.date:
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_days_after(day: dt.date, n: int, calendar: WorkCalendar | None = None) -> dt.date:
    """``n`` working days after ``day`` (the day itself does not count); 0 is the same working day."""
    calendar = calendar or WorkCalendar()
    if n <= 0:
        return _first_working_day(day, calendar)
    return calendar.add_working_days(day, n)


def acceptance_due_on(lead: Lead, calendar: WorkCalendar | None = None) -> dt.date:
    code = URGENT_ACCEPTANCE if lead.is_urgent else ACCEPTANCE
    return working_days_after(timezone.localdate(lead.reported_at), limit(code), calendar)


def investigation_due_on(accepted_at: dt.datetime, calendar: WorkCalendar | None = None) -> dt.date:
    return working_days_after(timezone.localdate(accepted_at), limit(INVESTIGATION), calendar)


def decision_due_on(outcome: Outcome, calendar: WorkCalendar | None = None) -> dt.date | None:
    code = DECISION_KINDS.get(outcome.kind)
    if code is None:
        return None
    return working_days_after(timezone.localdate(outcome.recorded_at), limit(code), calendar)


# --- who owes it ---------------------------------------------------------------------------------
class _People:
    """Township offices and district centres, read once per run."""

    def __init__(self):
        self._offices: dict[int, list] = {}
        self._centres: dict[str, list] = {}

    def office(self, township) -> list:
        if township.pk not in self._offices:
            self._offices[township.pk] = list(township_office(township=township))
        return self._offices[township.pk]

    def centre(self, region) -> list:
        code = region.code[:6]
        if code not in self._centres:
            self._centres[code] = list(district_centre(district_code=code))
        return self._centres[code]


def _lead_duty(people: _People, lead: Lead, *, title: str, body: str, subject=None, due_on=None) -> Duty:
    return Duty(
        subject=subject or lead, due_on=due_on or lead.due_on, region=lead.village,
        recipient_name=lead.township.name, recipients=people.office(lead.township),
        escalate_to=people.centre(lead.township), title=title, body=body,
        url=reverse("cases:lead_detail", args=[lead.pk]))


def _names(lead: Lead) -> dict:
    return {"number": lead.number, "name": lead.person.name, "village": lead.village.name}


# --- the duties the 08:30 job chases ---------------------------------------------------------------
def _acceptance_duties(*, urgent: bool, today: dt.date, calendar, rule):
    people = _People()
    leads = (Lead.objects.filter(status=LeadStatus.REPORTED, is_urgent=urgent, due_on__lt=today)
             .select_related("person", "township", "village").order_by("due_on", "pk"))
    for lead in leads.iterator(chunk_size=500):
        if urgent:
            title = _("Urgent lead %(number)s (%(name)s, %(village)s) is not accepted") % _names(lead)
            body = _("A 急难 lead is accepted the same working day and the household visited jointly at once "
                     "(seeds 000 and 002). Reported %(reported)s.") % {
                "reported": f"{timezone.localtime(lead.reported_at):%Y-%m-%d %H:%M}"}
        else:
            title = _("Lead %(number)s (%(name)s, %(village)s) is not accepted") % _names(lead)
            body = _("Leads are accepted within %(days)s working day(s) of the report. Reported %(reported)s.") % {
                "days": rule.limit, "reported": f"{timezone.localtime(lead.reported_at):%Y-%m-%d %H:%M}"}
        yield _lead_duty(people, lead, title=title, body=body)


def urgent_acceptance_duties(*, today, calendar, rule):
    return _acceptance_duties(urgent=True, today=today, calendar=calendar, rule=rule)


def acceptance_duties(*, today, calendar, rule):
    return _acceptance_duties(urgent=False, today=today, calendar=calendar, rule=rule)


def investigation_duties(*, today, calendar, rule):
    people = _People()
    leads = (Lead.objects.filter(status__in=INVESTIGATING_STATUSES, due_on__lt=today)
             .select_related("person", "township", "village").order_by("due_on", "pk"))
    for lead in leads.iterator(chunk_size=500):
        yield _lead_duty(
            people, lead,
            title=_("Lead %(number)s (%(name)s, %(village)s) has no investigation result") % _names(lead),
            body=_("An accepted lead is investigated at home and assessed within %(days)s working days (seed 003: "
                   "answer with the investigation result in 5 working days).") % {"days": rule.limit})


def _decision_duties(kind: str, *, today, calendar, rule):
    people = _People()
    outcomes = (Outcome.objects.filter(kind=kind, status=OutcomeStatus.IN_PROGRESS, decision_due_on__lt=today)
                .select_related("lead", "lead__person", "lead__township", "lead__village").order_by("pk"))
    for outcome in outcomes.iterator(chunk_size=500):
        lead = outcome.lead
        yield _lead_duty(
            people, lead, subject=outcome, due_on=outcome.decision_due_on,
            title=_("%(outcome)s for %(name)s (lead %(number)s) is not decided") % {
                "outcome": outcome.get_kind_display(), **_names(lead)},
            body=_("Seed 002: an eligible household goes 立即转入办理程序，在规定的期限内给出办理结果. The limit is "
                   "%(days)s working days from %(recorded)s; record the date of inclusion or the refusal.") % {
                "days": rule.limit, "recorded": f"{timezone.localtime(outcome.recorded_at):%Y-%m-%d}"})


def dibao_decision_duties(*, today, calendar, rule):
    return _decision_duties(OutcomeKind.DIBAO, today=today, calendar=calendar, rule=rule)


def tekun_decision_duties(*, today, calendar, rule):
    return _decision_duties(OutcomeKind.TEKUN, today=today, calendar=calendar, rule=rule)


def paperwork_duties(*, today, calendar, rule):
    people = _People()
    outcomes = (Outcome.objects.filter(paperwork=Paperwork.OWED, paperwork_due_on__lt=today)
                .select_related("lead", "lead__person", "lead__township", "lead__village", "recorded_by")
                .order_by("paperwork_due_on", "pk"))
    for outcome in outcomes.iterator(chunk_size=500):
        lead = outcome.lead
        duty = _lead_duty(
            people, lead, subject=outcome, due_on=outcome.paperwork_due_on,
            title=_("Papers owed for relief paid first: %(name)s (lead %(number)s), due %(due)s") % {
                **_names(lead), "due": f"{outcome.paperwork_due_on:%Y-%m-%d}"},
            body=_("Temporary relief of %(amount)s yuan was paid on %(date)s before the papers. Please complete "
                   "them and mark them complete on the case page.") % {
                "amount": f"{outcome.amount:,}", "date": f"{outcome.included_on:%Y-%m-%d}"})
        if outcome.recorded_by_id and outcome.recorded_by.is_active and outcome.recorded_by not in duty.recipients:
            duty.recipients = [*duty.recipients, outcome.recorded_by]
        yield duty


def _follow_up_duties(kind: str, *, today, calendar, rule):
    people = _People()
    rows = (FollowUp.objects.filter(kind=kind, status=FollowUpStatus.DUE, due_on__lt=today)
            .select_related("lead", "lead__person", "lead__township", "lead__village").order_by("due_on", "pk"))
    for follow_up in rows.iterator(chunk_size=500):
        lead = follow_up.lead
        duty = _lead_duty(
            people, lead, subject=follow_up, due_on=follow_up.due_on,
            title=_("%(kind)s overdue since %(due)s: %(name)s (lead %(number)s)") % {
                "kind": follow_up.get_kind_display(), "due": f"{follow_up.due_on:%Y-%m-%d}", **_names(lead)},
            body=_("Seed 003: 向困难群众主动告知、回访测评办结情况; seed 002: the observation list is reviewed "
                   "regularly."))
        duty.url = reverse("cases:follow_up_record", args=[follow_up.pk])
        yield duty


def follow_up_duties(*, today, calendar, rule):
    return _follow_up_duties(FollowUpKind.AFTER_OUTCOME, today=today, calendar=calendar, rule=rule)


def observation_review_duties(*, today, calendar, rule):
    return _follow_up_duties(FollowUpKind.OBSERVATION_REVIEW, today=today, calendar=calendar, rule=rule)


# --- the day each was met (for the ledger of duties and the assessment) --------------------------------
def _days(model, pks, *fields) -> dict:
    """The first of ``fields`` that is set, as a Beijing date, for each pk."""
    from django.db.models import DateField, DateTimeField
    from django.db.models.functions import Coalesce, TruncDate

    exprs = []
    for name in fields:
        field = model._meta.get_field(name.split("__")[0]) if "__" not in name else None
        exprs.append(TruncDate(name) if isinstance(field, DateTimeField) else name)
    value = Coalesce(*exprs, output_field=DateField()) if len(exprs) > 1 else exprs[0]
    return dict(model.objects.filter(pk__in=pks).annotate(day=value).values_list("pk", "day"))


def lead_accepted_on(pks):
    return _days(Lead, pks, "accepted_at", "updated_at")


def lead_assessed_on(pks):
    return _days(Lead, pks, "assessed_at", "green_channel_at", "updated_at")


def outcome_decided_on(pks):
    return _days(Outcome, pks, "done_at", "approved_at")


def papers_completed_on(pks):
    return _days(Outcome, pks, "paperwork_completed_on")


def follow_up_done_on(pks):
    return _days(FollowUp, pks, "done_on")


# --- registration (CasesConfig.ready) -------------------------------------------------------------
def register() -> None:
    lead_list = "cases:lead_list"
    kinds = [
        ObligationKind(
            code=URGENT_ACCEPTANCE, order=10, urgent=True, label=gettext_lazy("Urgent (急难) leads accepted"),
            source=gettext_lazy("Seed 000: 对急难型救助对象…先行救助; seed 002: 发现“急难”对象…第一时间…联合走访"),
            default_limit=0, default_gaps=(1, 1),
            limit_help=gettext_lazy("Working days after the report (0: the same working day)."),
            duties=urgent_acceptance_duties, region_field="village", met_on=lead_accepted_on,
            open_items=lambda: Lead.objects.filter(status=LeadStatus.REPORTED, is_urgent=True),
            township_field="township", list_url=lead_list, list_query={"status": LeadStatus.REPORTED,
                                                                        "is_urgent": "true"}),
        ObligationKind(
            code=ACCEPTANCE, order=11, label=gettext_lazy("New leads accepted"),
            source=gettext_lazy("Seed 003: 发现线索当日上报…镇（街道）及时受理"), default_limit=1,
            limit_help=gettext_lazy("Working days after the report."), duties=acceptance_duties,
            region_field="village", met_on=lead_accepted_on,
            open_items=lambda: Lead.objects.filter(status=LeadStatus.REPORTED, is_urgent=False),
            township_field="township", list_url=lead_list, list_query={"status": LeadStatus.REPORTED,
                                                                        "is_urgent": "false"}),
        ObligationKind(
            code=INVESTIGATION, order=20, label=gettext_lazy("Accepted leads investigated"),
            source=gettext_lazy("Seed 003: 5个工作日内反馈调查处理情况; seed 001: 入户调查…三个不放过"), default_limit=5,
            limit_help=gettext_lazy("Working days after the lead is accepted, until it is assessed."),
            duties=investigation_duties, region_field="village", met_on=lead_assessed_on,
            open_items=lambda: Lead.objects.filter(status__in=INVESTIGATING_STATUSES),
            township_field="township", list_url=lead_list, list_query={"duty": "investigation"}),
        ObligationKind(
            code=DECISION_KINDS[OutcomeKind.DIBAO], order=30, label=gettext_lazy("低保 applications decided"),
            source=gettext_lazy("民发〔2021〕57号: 低保审核确认 within 30 working days; seed 002: 在规定的期限内给出办理结果"),
            default_limit=30, limit_help=gettext_lazy("Working days after the outcome is recorded, until the date of "
                                               "inclusion or the refusal."),
            duties=dibao_decision_duties, region_field="lead__village", met_on=outcome_decided_on,
            open_items=lambda: Outcome.objects.filter(kind=OutcomeKind.DIBAO, status=OutcomeStatus.IN_PROGRESS),
            due_field="decision_due_on", township_field="lead__township", list_url="cases:outcome_list",
            list_query={"kind": OutcomeKind.DIBAO, "status": OutcomeStatus.IN_PROGRESS}),
        ObligationKind(
            code=DECISION_KINDS[OutcomeKind.TEKUN], order=31, label=gettext_lazy("特困 applications decided"),
            source=gettext_lazy("民发〔2021〕43号: township 15 working days, county decision 10 working days"),
            default_limit=25, limit_help=gettext_lazy("Working days after the outcome is recorded, until the date of "
                                               "inclusion or the refusal."),
            duties=tekun_decision_duties, region_field="lead__village", met_on=outcome_decided_on,
            open_items=lambda: Outcome.objects.filter(kind=OutcomeKind.TEKUN, status=OutcomeStatus.IN_PROGRESS),
            due_field="decision_due_on", township_field="lead__township", list_url="cases:outcome_list",
            list_query={"kind": OutcomeKind.TEKUN, "status": OutcomeStatus.IN_PROGRESS}),
        ObligationKind(
            code="advance_paperwork", order=40, label=gettext_lazy("Papers of relief paid first"),
            source=gettext_lazy("国发〔2014〕47号: 先行救助, papers completed afterwards (5 working days locally)"),
            default_limit=5, limit_help=gettext_lazy("Set per district in the district relief settings (working days "
                                              "after payment); this number is not used."),
            duties=paperwork_duties, region_field="lead__village", met_on=papers_completed_on,
            open_items=lambda: Outcome.objects.filter(paperwork=Paperwork.OWED),
            due_field="paperwork_due_on", township_field="lead__township", list_url="cases:outcome_list",
            list_query={"paperwork": Paperwork.OWED}),
        ObligationKind(
            code="follow_up", order=50, label=gettext_lazy("Follow-up visits (回访)"),
            source=gettext_lazy("Seed 003: 向困难群众主动告知、回访测评办结情况"), default_limit=1,
            limit_help=gettext_lazy("Set per district in the district relief settings (months after closing); this "
                             "number is not used."),
            duties=follow_up_duties, region_field="lead__village", met_on=follow_up_done_on,
            open_items=lambda: FollowUp.objects.filter(kind=FollowUpKind.AFTER_OUTCOME, status=FollowUpStatus.DUE),
            township_field="lead__township", list_url="cases:follow_up_list",
            list_query={"kind": FollowUpKind.AFTER_OUTCOME, "status": FollowUpStatus.DUE}),
        ObligationKind(
            code="observation_review", order=51, label=gettext_lazy("Observation list reviews"),
            source=gettext_lazy("Seed 002 二(六): 救助观察…定期回访"), default_limit=3,
            limit_help=gettext_lazy("Set per district in the district relief settings (every N months); this number is "
                             "not used."),
            duties=observation_review_duties, region_field="lead__village", met_on=follow_up_done_on,
            open_items=lambda: FollowUp.objects.filter(kind=FollowUpKind.OBSERVATION_REVIEW,
                                                       status=FollowUpStatus.DUE),
            township_field="lead__township", list_url="cases:follow_up_list",
            list_query={"kind": FollowUpKind.OBSERVATION_REVIEW, "status": FollowUpStatus.DUE}),
    ]
    for kind in kinds:
        obligation_kinds.register(kind)
