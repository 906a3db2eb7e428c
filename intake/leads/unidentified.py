"""Leads for people whose ID number is not known (issue 17 rule 7; seed 003 lists 流浪乞讨人员 among those to be
found): the lead form, the hotline form and the acceptance of a public report take a name or a description and where
the person was found instead of an ID. The person is a placeholder of the registry (``cases.unidentified``); the
investigating township completes the identity on the case page."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Region
from accounts.scoping import scope
from cases.models import Person
from cases.services import LeadError
from cases.unidentified import unidentified_person_create
from intake.leads.services import IntakeError, lead_log


def unidentified_person_for(*, user, village: Region | None, name: str = "", description: str = "",
                            found_at: str = "") -> Person:
    """A placeholder person in a village of the user's area (where the person was found)."""
    if village is None:
        raise IntakeError(_("Please choose the village or community where the person was found."))
    if not scope(user, Region.objects.filter(pk=village.pk)).exists():
        raise IntakeError(_("You can only register people in your own area."))
    try:
        return unidentified_person_create(village=village, name=name, description=description, found_at=found_at)
    except LeadError as exc:
        raise IntakeError(str(exc)) from exc


@transaction.atomic
def lead_log_unidentified(*, user, village: Region | None, name: str = "", description: str = "",
                          found_at: str = "", **lead_fields):
    """The lead form without an ID: a placeholder person, then the lead as ``lead_log`` files it."""
    person = unidentified_person_for(user=user, village=village, name=name, description=description,
                                     found_at=found_at)
    return lead_log(user=user, person=person, village=village, **lead_fields)
