"""Leads for people not identified yet (issue 17 rule 7; seed 003 lists 流浪乞讨人员 among those to be found; a public
report rarely knows an ID).

A lead needs a person; for someone known only by a name ("刘大爷") or a description, and where they were found, the
lead's person is a placeholder of the registry (``is_unidentified``) with a reserved number under the address code
000000, which no real resident ID uses. The investigation completes it with the real ID (``lead_identify``): the lead
moves to the real person (registered if new), the placeholder points to them. A lead whose person is still not
identified cannot be closed (``services.closing.check_identified``, called by ``lead_close``).
"""
from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.choices import RegionLevel
from accounts.models import Region
from common import resident_id

from .choices import OPEN_LEAD_STATUSES
from .models import Household, Lead, Person, lead_region_keys_follow
from .services import household_next_number, person_register
from .writing import LeadError, _check_township_office, _lock, _save_lead

PLACEHOLDER_ADDRESS = "000000"


def _placeholder_number() -> str:
    day = dt.date(1900, 1, 1) + dt.timedelta(days=secrets.randbelow(36500))
    return resident_id.build(PLACEHOLDER_ADDRESS, day, secrets.randbelow(999) + 1)


@transaction.atomic
def unidentified_person_create(*, village: Region, name: str = "", description: str = "", found_at: str = "") -> Person:
    """A placeholder person for a lead: a name or a description is required, and where the person was found."""
    name, description, found_at = (name or "").strip(), (description or "").strip(), (found_at or "").strip()
    if not (name or description):
        raise LeadError(_("Give the person's name, or describe them (age, looks, clothes), when the ID is unknown."))
    if not found_at:
        raise LeadError(_("Say where the person was found."))
    if village is None or village.level != RegionLevel.VILLAGE:
        raise LeadError(_("Please choose the village or community where the person was found."))
    household = Household.objects.create(number=household_next_number(village=village), township=village.parent,
                                         village=village, address=found_at)
    for _attempt in range(5):
        number = _placeholder_number()
        parsed = resident_id.parse(number)
        try:
            with transaction.atomic():
                person = Person.objects.create(
                    id_number=number, name=name or _("(unknown)"), sex=parsed.sex, birth_date=parsed.birth_date,
                    township=village.parent, village=village, household=household, is_unidentified=True,
                    description=description, found_at=found_at)
        except IntegrityError:
            continue
        household.head = person
        household.save(update_fields=["head"])
        return person
    raise LeadError(_("Could not register the person; please try again."))


@transaction.atomic
def lead_identify(*, lead: Lead, user, id_number: str, name: str) -> Lead:
    """The investigation found the person's ID: the lead moves to the real person (registered when new)."""
    _check_township_office(user, lead)
    lead = _lock(lead)
    placeholder = lead.person
    if not placeholder.is_unidentified:
        return lead
    if lead.status not in OPEN_LEAD_STATUSES:
        raise LeadError(_("Only an open lead can be completed with the person's ID."))
    try:
        parsed = resident_id.parse(id_number)
    except Exception as exc:  # the parser's message is for the user
        raise LeadError(str(exc)) from exc
    if parsed.number.startswith(PLACEHOLDER_ADDRESS):
        raise LeadError(_("Please enter the person's real ID number."))
    person = person_register(id_number=parsed.number, name=name or placeholder.name, village=lead.village)
    if Lead.objects.filter(person=person, status__in=OPEN_LEAD_STATUSES).exclude(pk=lead.pk).exists():
        raise LeadError(_("%(name)s already has an open lead: merge this lead into it instead.") % {"name": person.name})
    lead.person = person
    lead.village_id, lead.township_id = person.village_id, person.township_id
    _save_lead(lead, user, "identify")
    lead_region_keys_follow(lead)  # its investigation (and any outcome) are scoped by the lead's village
    placeholder.identified_as = person
    placeholder.save(update_fields=["identified_as", "updated_at"])
    return lead

