"""集中排查 (seed 000: "在辖区发生疫情灾情等突发事件期间开展集中排查"; issue 17 rule 6).

The district declares an area (district, township or village), a reason and a period. Every active key-roster person
of the area becomes a target at once; a township or the district flags further households (their head is the
target). Each target is owed a visit by the period's last day — a kind of the obligation engine
(``campaign_visit``) — and any visit logged in the period (a roster visit, or a campaign visit to a flagged
household) counts. Progress per village is shown on the district's home page.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from accounts.roles import CASE_OFFICE
from accounts.scoping import can_see
from cases.models import Household
from intake.choices import VisitMode
from intake.models import RosterEntry, Visit
from intake.roster.services import RosterError, campaign_visit_mark
from intake.screenings.models import CampaignTarget, ScreeningCampaign

DECLARERS = frozenset({Role.DISTRICT_STAFF, Role.DISTRICT_HEAD})
FLAGGERS = CASE_OFFICE  # accounts.roles
MAX_DAYS = 92


def _target(campaign: ScreeningCampaign, person, *, from_roster: bool) -> CampaignTarget:
    target, _created = CampaignTarget.objects.get_or_create(
        campaign=campaign, person=person,
        defaults={"township_id": person.township_id, "village_id": person.village_id, "from_roster": from_roster,
                  "due_on": campaign.ends_on})
    visited = (Visit.objects.filter(person=person, visited_on__gte=campaign.starts_on, visited_on__lte=campaign.ends_on)
               .order_by("visited_on").first())
    if visited is not None and target.visited_on is None:
        target.visited_on, target.visit = visited.visited_on, visited
        target.save(update_fields=["visited_on", "visit"])
    return target


@transaction.atomic
def campaign_declare(*, user, area: Region, reason: str, starts_on: dt.date, ends_on: dt.date) -> ScreeningCampaign:
    """Declare a screening; every active roster person of the area is a target. Declaring it twice returns it."""
    if user is None or (user.role not in DECLARERS and not user.is_superuser):
        raise RosterError(_("Only the district centre declares a concentrated screening."))
    if area is None or area.level not in (RegionLevel.DISTRICT, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE) \
            or not can_see(user, area):
        raise RosterError(_("Please choose an area of your district."))
    reason = (reason or "").strip()
    if not reason:
        raise RosterError(_("Please give the reason for the screening (an epidemic, a disaster…)."))
    if starts_on is None or ends_on is None:
        raise RosterError(_("Please enter the first and the last day of the period."))
    if ends_on < starts_on:
        raise RosterError(_("The last day cannot be before the first day."))
    if ends_on < timezone.localdate():
        raise RosterError(_("This period is already over; only a current or coming period can be declared."))
    if (ends_on - starts_on).days + 1 > MAX_DAYS:
        raise RosterError(_("A screening lasts at most %(days)s days.") % {"days": MAX_DAYS})
    campaign, created = ScreeningCampaign.objects.get_or_create(
        area=area, reason=reason, starts_on=starts_on, ends_on=ends_on, defaults={"declared_by": user})
    if created:
        entries = (RosterEntry.objects.filter(until__isnull=True, village__code__startswith=area.scope_prefix)
                   .select_related("person"))
        for entry in entries.iterator(chunk_size=500):
            _target(campaign, entry.person, from_roster=True)
    return campaign


@transaction.atomic
def campaign_flag_household(*, user, campaign: ScreeningCampaign, household: Household) -> CampaignTarget:
    """Add a household of the area to the screening (its head, or its first member, is visited)."""
    if user is None or (user.role not in FLAGGERS and not user.is_superuser) or not can_see(user, household):
        raise RosterError(_("This household is outside your area."))
    if not household.village.code.startswith(campaign.area.scope_prefix):
        raise RosterError(_("This household is outside the screening's area."))
    person = household.head or household.members.order_by("id").first()
    if person is None:
        raise RosterError(_("This household has no members in the registry."))
    return _target(campaign, person, from_roster=False)


@transaction.atomic
def campaign_visit_log(*, user, target: CampaignTarget, visited_on: dt.date, mode: str = VisitMode.HOME,
                       findings: str = "") -> Visit:
    """A visit to a flagged household (not on the roster) during the screening."""
    if not can_see(user, target) or user.role not in FLAGGERS | {Role.VILLAGE_ASSISTANT}:
        raise RosterError(_("This person is outside your area; you cannot log a visit for them."))
    if visited_on is None or visited_on > timezone.localdate():
        raise RosterError(_("The date of the visit cannot be in the future."))
    person = target.person
    visit = Visit.objects.create(person=person, township_id=person.township_id, village_id=person.village_id,
                                 visited_on=visited_on, mode=mode, visitor=user, findings=(findings or "").strip())
    campaign_visit_mark(visit)
    return visit


