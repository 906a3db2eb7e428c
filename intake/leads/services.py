"""Logging leads at a form (assistant, township staff, hotline and petition calls)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Region
from accounts.scoping import can_see, scope
from cases.choices import SourceType
from cases.models import HardshipCause, Lead, Person, ReliefKind
from cases.services import LeadError, lead_report, person_register
from common import resident_id


class IntakeError(Exception):
    """A lead that cannot be logged; the message is for the user, in Chinese."""


def CANNOT_REGISTER_HERE() -> str:  # noqa: N802 - a message, shared by the lead form and public reports
    return _("This ID number cannot be registered in your area. Please ask the district's social assistance "
             "centre to help: they will find out where the person's file is and pass the lead on.")


def person_find_or_register(*, user, person: Person | None, id_number: str, name: str,
                            village: Region | None, phone: str = "") -> Person:
    """The person a lead is about: the one picked, the one whose ID was typed, or a new registration.

    Only people and villages inside the user's scope. An ID registered outside the user's area gets no more
    than a miss would (issue 20): without a village, "choose the village"; with a village of the user's
    area, "cannot be registered here — ask the district centre", never "registered elsewhere" or where.
    """
    if person is not None:
        if not can_see(user, person):
            raise IntakeError(_("This person is outside your area."))
        return person
    number = resident_id.parse(id_number).number
    existing = Person.objects.filter(id_number=number).first()
    if existing is not None and can_see(user, existing):
        return existing
    if village is None:
        raise IntakeError(_("Please choose the village or community where the person lives."))
    if not scope(user, Region.objects.filter(pk=village.pk)).exists():
        raise IntakeError(_("You can only register people in your own area."))
    if existing is not None:
        raise IntakeError(CANNOT_REGISTER_HERE())
    return person_register(id_number=number, name=name, village=village, phone=phone)


@transaction.atomic
def lead_log(*, user, person: Person | None, id_number: str = "", name: str = "", village: Region | None = None,
             phone: str = "", method: str, channel: str, discovered_on: dt.date,
             suspected_relief: Iterable[ReliefKind] = (), causes: Iterable[HardshipCause] = (),
             is_urgent: bool = False, family_situation: str = "", source_type: str = SourceType.MANUAL,
             reporter_name: str = "", reporter_phone: str = "", now: dt.datetime | None = None,
             origin: tuple[str, str] | None = None, late_reason: str = "",
             name_is_registered: bool | None = None) -> tuple[Lead, bool]:
    """Find or register the person and report the lead, all or nothing. Returns ``(lead, merged)``.

    ``now``: when the report was made (a phone's queue sends it later; the late flag compares the
    discovery date with it). ``origin``: a report with the same origin is taken once.
    ``late_reason``: why the lead is logged after the day it was discovered. ``name_is_registered``: the
    reporter's answer when the typed name differs from the name registered under the ID (None: no
    difference); when the typed name is said to be right, the lead says so for the township to check.
    """
    person = person_find_or_register(user=user, person=person, id_number=id_number, name=name, village=village,
                                     phone=phone)
    typed = (name or "").strip()
    if typed and typed != person.name and name_is_registered is False:
        family_situation = _("[Name to check] Reported as “%(typed)s”; registered under this ID as “%(name)s”.") % {
            "typed": typed, "name": person.name} + "\n" + (family_situation or "")
    try:
        return lead_report(
            person=person, method=method, channel=channel, discovered_on=discovered_on, source_type=source_type,
            by=user, reporter_name=reporter_name, reporter_phone=reporter_phone, description=family_situation,
            suspected_relief=suspected_relief, causes=causes, is_urgent=is_urgent, now=now, origin=origin,
            late_reason=late_reason,
        )
    except LeadError as exc:
        raise IntakeError(str(exc)) from exc
