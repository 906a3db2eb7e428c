"""The township's own checks (seed 002 二(六): "乡…经办人员要对'急难'对象进行抽查、回访…同时进行入户核查，不定期对
各村随机抽查，防止出现漏报、错报现象"; issue 17 rule 10).

* ``township_checks_draw``: the township (or the district, for a township) draws, for a month, a sample of its 急难
  leads reported that month (spot checks at the township level) and a sample of registry people never reported —
  no lead ever — preferring those with an assistance status or a vulnerability tag.
* ``unreported_check_record``: the visit to a never-reported household. Hardship found is a 漏报: a lead is raised
  (with the visit as its source) and the assessment counts it against the township.
"""
from __future__ import annotations

import datetime as dt
import random

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from accounts.roles import TOWNSHIP_OFFICE, has_role
from accounts.scoping import can_see, scope

from .choices import AssistanceStatus, Channel, DiscoveryMethod, LeadStatus, SourceType, SpotCheckFinding
from .models import DistrictSettings, Lead, Person, SpotCheck, UnreportedCheck
from .services import lead_report, spot_check_sample_size
from .writing import LeadError, _check_not_future, _save

TOWNSHIP_LEVEL = "township"
CHECKERS = TOWNSHIP_OFFICE  # accounts.roles


def _check_user(user, township: Region) -> str:
    if user is None or (user.role not in CHECKERS and not user.is_superuser):
        raise LeadError(_("Only the township office or the district centre can draw and record these checks."))
    if not can_see(user, township):
        raise LeadError(_("This township is outside your area."))
    return "district" if user.role == Role.DISTRICT_STAFF else TOWNSHIP_LEVEL


def never_reported(*, township: Region):
    """People of the township's registry with no lead ever, living, the vulnerable first."""
    return (Person.objects.filter(township=township, is_deceased=False)
            .exclude(Exists(Lead.objects.filter(person_id=OuterRef("pk"))))
            .filter(~Q(assistance_status=AssistanceStatus.NONE) | Q(tags__isnull=False)).distinct())


@transaction.atomic
def township_checks_draw(*, user, township: Region, month: dt.date,
                         rng: random.Random | None = None) -> tuple[list[SpotCheck], list[UnreportedCheck]]:
    """Draw the month's sample once (drawing again returns it): 急难 leads and never-reported people."""
    level = _check_user(user, township)
    if township.level != RegionLevel.TOWNSHIP:
        raise LeadError(_("Please choose a township."))
    month = month.replace(day=1)
    rng = rng or random.SystemRandom()
    cfg = DistrictSettings.for_district_code(township.code)
    spot = list(SpotCheck.objects.filter(township=township, month=month, level=TOWNSHIP_LEVEL))
    unreported = list(UnreportedCheck.objects.filter(township=township, month=month, level=level))
    if level == TOWNSHIP_LEVEL and not spot:
        start = timezone.make_aware(dt.datetime.combine(month, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(month + relativedelta(months=1), dt.time.min))
        urgent = list(Lead.objects.filter(township=township, is_urgent=True, reported_at__gte=start,
                                          reported_at__lt=end).exclude(status=LeadStatus.MERGED)
                      .order_by("pk").values_list("pk", flat=True))
        size = spot_check_sample_size(closed=len(urgent), percent=100, minimum=cfg.spot_check_minimum)
        for lead_id in sorted(rng.sample(urgent, size)):
            check = SpotCheck(lead_id=lead_id, township=township, month=month, drawn_by=user, level=TOWNSHIP_LEVEL)
            _save(check, user, "draw")
            spot.append(check)
    if not unreported:
        people = list(never_reported(township=township).order_by("pk").values_list("pk", flat=True))
        for person_id in sorted(rng.sample(people, min(len(people), cfg.spot_check_minimum))):
            check = UnreportedCheck(township=township, person_id=person_id, month=month, level=level, drawn_by=user)
            _save(check, user, "draw")
            unreported.append(check)
    return spot, unreported


@transaction.atomic
def unreported_check_record(*, check: UnreportedCheck, user, visited_on: dt.date, finding: str,
                            note: str = "") -> UnreportedCheck:
    """The visit to a never-reported household. Hardship found (漏报) raises a lead for the township."""
    _check_user(user, check.township)
    check = UnreportedCheck.objects.select_for_update().select_related("person").get(pk=check.pk)
    if finding not in (UnreportedCheck.Finding.NO_HARDSHIP, UnreportedCheck.Finding.MISSED):
        raise LeadError(_("Please choose the finding of the check."))
    if visited_on is None:
        raise LeadError(_("Please enter the date of the visit."))
    _check_not_future(visited_on, _("date of the visit"))
    note = (note or "").strip()
    if finding == UnreportedCheck.Finding.MISSED and not note:
        raise LeadError(_("Please describe the hardship found."))
    if (check.finding, check.visited_on) == (finding, visited_on):
        return check
    check.finding, check.visited_on, check.visited_by, check.note = finding, visited_on, user, note
    if finding == UnreportedCheck.Finding.MISSED and check.lead_id is None:
        lead, _merged = lead_report(
            person=check.person, method=DiscoveryMethod.WORK, channel=Channel.HOME_VISIT, discovered_on=visited_on,
            source_type=SourceType.MANUAL, by=user,
            description=_("Random check of a household never reported (漏报): %(note)s") % {"note": note},
            origin=("cases.UnreportedCheck", check.pk))
        check.lead = lead
    _save(check, user, "record")
    return check


def can_record_township_checks(user) -> bool:
    return has_role(user, CHECKERS)


@transaction.atomic
def township_spot_check_record(*, spot_check: SpotCheck, user, visited_on: dt.date, finding: str,
                               note: str = "") -> SpotCheck:
    """The township's own 抽查、回访 of an 急难 lead (a township-level spot check): its visit and finding."""
    if spot_check.level != TOWNSHIP_LEVEL:
        raise LeadError(_("Only the district centre records the district's spot checks."))
    _check_user(user, spot_check.township)
    spot_check = SpotCheck.objects.select_for_update().get(pk=spot_check.pk)
    note = (note or "").strip()
    if finding not in SpotCheckFinding.values or finding == SpotCheckFinding.PENDING:
        raise LeadError(_("Please choose the finding of the spot check."))
    if visited_on is None:
        raise LeadError(_("Please enter the date of the visit."))
    _check_not_future(visited_on, _("date of the visit"))
    if finding != SpotCheckFinding.CONFIRMED and not note:
        raise LeadError(_("Please explain what was wrong."))
    if (spot_check.finding, spot_check.visited_on, spot_check.note) == (finding, visited_on, note):
        return spot_check
    spot_check.finding, spot_check.visited_on, spot_check.visited_by, spot_check.note = (
        finding, visited_on, user, note)
    _save(spot_check, user, "record")
    return spot_check


def unreported_summary(*, user, start: dt.date) -> list[dict]:
    """Per township since ``start``: never-reported households drawn, visited, and 漏报 found."""
    from django.db.models import Count

    return list(scope(user, UnreportedCheck.objects.filter(month__gte=start))
                .values("township_id", "township__name")
                .annotate(drawn=Count("id"),
                          visited=Count("id", filter=~Q(finding=UnreportedCheck.Finding.PENDING)),
                          missed=Count("id", filter=Q(finding=UnreportedCheck.Finding.MISSED)))
                .order_by("township__name"))
