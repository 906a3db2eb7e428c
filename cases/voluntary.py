"""The voluntary principle (救助自愿; seeds 000, 001): a person recorded as 本人不愿申请 gets no relief outcome
until a change of mind is recorded — dated, with who recorded it.

"Recorded as unwilling" means a 本人不愿申请 outcome of any of the person's leads (not withdrawn), or the current
investigation of this lead saying the person does not want to apply. A change of mind counts when it was recorded
after the latest of these.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ASSISTED_OUTCOMES, OutcomeKind, OutcomeStatus, Willingness
from .models import ChangeOfMind, Lead, Outcome, Person
from .writing import LeadError, _check_not_future, _check_township_office, _save


_UNREAD = object()


def unwilling_since(*, person: Person, lead: Lead | None = None, investigation=_UNREAD) -> dt.datetime | None:
    """When the person was last recorded as not wanting to apply, or None (``investigation``: the lead's current
    one, or None, when the caller has read it)."""
    moments = []
    declined = (Outcome.objects.filter(lead__person=person, kind=OutcomeKind.DECLINED)
                .exclude(status=OutcomeStatus.CANCELLED).order_by("-recorded_at").values_list("recorded_at", flat=True)
                .first())
    if declined is not None:
        moments.append(declined)
    if lead is not None:
        if investigation is _UNREAD:
            investigation = lead.investigations.order_by("-started_at", "-id").first()
        if investigation is not None and investigation.willing_to_apply == Willingness.NO:
            moments.append(investigation.updated_at)
    return max(moments) if moments else None


def change_of_mind_after(*, person: Person, moment: dt.datetime) -> ChangeOfMind | None:
    return person.changes_of_mind.filter(recorded_at__gte=moment).order_by("-recorded_at").first()


def check_outcome_voluntary(*, lead: Lead, kind: str) -> None:
    """Refuse a relief outcome for a person recorded as unwilling without a later recorded change of mind."""
    if kind not in ASSISTED_OUTCOMES:
        return
    since = unwilling_since(person=lead.person, lead=lead)
    if since is None or change_of_mind_after(person=lead.person, moment=since) is not None:
        return
    raise LeadError(_("%(name)s was recorded as not wanting to apply (本人不愿申请) on %(date)s. Relief is voluntary: "
                      "record first that the person now asks to apply (date, and who records it).")
                    % {"name": lead.person.name, "date": f"{timezone.localtime(since):%Y-%m-%d}"})


@transaction.atomic
def change_of_mind_record(*, lead: Lead, user, stated_on: dt.date | None, note: str = "") -> ChangeOfMind:
    """The person now asks to apply: recorded by the township office, dated. Safe to call twice (same day)."""
    _check_township_office(user, lead)
    if stated_on is None:
        raise LeadError(_("Please enter the date the person asked to apply."))
    _check_not_future(stated_on, _("date the person asked to apply"))
    note = (note or "").strip()
    since = unwilling_since(person=lead.person, lead=lead)
    if since is not None:
        existing = change_of_mind_after(person=lead.person, moment=since)
        if existing is not None and existing.stated_on == stated_on:
            return existing
    change = ChangeOfMind(person=lead.person, lead=lead, stated_on=stated_on, note=note, recorded_by=user)
    _save(change, user, "record")
    return change
