"""备案: a township's relief decisions filed with the district (seed 002: "经入户核实后，上报乡级，符合各类救助条件的
按规定程序办理，后报县民政局备案"; issue 17 rule 8).

Every 临时救助 granted (paid first, within the cap, or above it by 一事一议) is owed to the district centre, which
records the day it received the file. The duty is a kind of the obligation engine (``filing_with_district``,
default 10 working days after the decision): the township is reminded, and the district sees what it has not
received.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from accounts.scoping import can_see
from referrals.obligations import ObligationKind, limit, obligation_kinds

from .choices import OutcomeKind, OutcomeStatus
from .models import Outcome
from .obligations import _lead_duty, _names, _People, working_days_after
from .writing import LeadError, _check_not_future, _save

CODE = "filing_with_district"
FILED_KINDS = (OutcomeKind.TEMPORARY,)


def filing_open(outcome: Outcome) -> None:
    """Set the filing due date on a decided township outcome (unsaved changes; the caller saves)."""
    if outcome.kind in FILED_KINDS and outcome.status == OutcomeStatus.DONE and outcome.filing_due_on is None:
        decided = timezone.localdate(outcome.done_at) if outcome.done_at else timezone.localdate()
        outcome.filing_due_on = working_days_after(decided, limit(CODE))


def filing_open_saved(outcome: Outcome) -> None:
    before = outcome.filing_due_on
    filing_open(outcome)
    if outcome.filing_due_on != before:
        Outcome.objects.filter(pk=outcome.pk).update(filing_due_on=outcome.filing_due_on)


@transaction.atomic
def filing_receive(*, outcome: Outcome, user, received_on: dt.date | None = None) -> Outcome:
    """The district centre records that it received the township's file. Safe to call twice."""
    if user is None or (user.role not in (Role.DISTRICT_STAFF, Role.DISTRICT_HEAD) and not user.is_superuser):
        raise LeadError(_("Only the district centre records that a filing was received."))
    if not can_see(user, outcome):
        raise LeadError(_("This lead is outside your area."))
    outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
    if outcome.filing_due_on is None:
        raise LeadError(_("This outcome is not filed with the district."))
    if outcome.filing_received_on is not None:
        return outcome
    received_on = received_on or timezone.localdate()
    _check_not_future(received_on, _("date the filing was received"))
    outcome.filing_received_on, outcome.filing_received_by = received_on, user
    _save(outcome, user, "filing_received")
    return outcome


def filing_duties(*, today, calendar, rule):
    people = _People()
    outcomes = (Outcome.objects.filter(filing_due_on__lt=today, filing_received_on__isnull=True)
                .select_related("lead", "lead__person", "lead__township", "lead__village").order_by("filing_due_on"))
    for outcome in outcomes.iterator(chunk_size=500):
        lead = outcome.lead
        duty = _lead_duty(
            people, lead, subject=outcome, due_on=outcome.filing_due_on,
            title=_("%(outcome)s for %(name)s (lead %(number)s) is not filed with the district (备案)") % {
                "outcome": outcome.get_kind_display(), **_names(lead)},
            body=_("Seed 002: 按规定程序办理，后报县民政局备案. Send the file to the district centre, which records the "
                   "day it received it."))
        duty.url = reverse("cases:lead_detail", args=[lead.pk])
        yield duty


def filing_received_on(pks):
    return dict(Outcome.objects.filter(pk__in=pks).values_list("pk", "filing_received_on"))


def register() -> None:
    obligation_kinds.register(ObligationKind(
        code=CODE, order=42, label=gettext_lazy("Township decisions filed with the district (备案)"),
        source=gettext_lazy("Seed 002: 符合各类救助条件的按规定程序办理，后报县民政局备案"), default_limit=10,
        limit_help=gettext_lazy("Working days after the 临时救助 decision, until the district records it received."),
        duties=filing_duties, region_field="lead__village", met_on=filing_received_on,
        open_items=lambda: Outcome.objects.filter(filing_due_on__isnull=False, filing_received_on__isnull=True),
        due_field="filing_due_on", township_field="lead__township", list_url="cases:outcome_list",
        list_query={"filing": "owed"}))
