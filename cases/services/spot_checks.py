"""The district centre's monthly spot checks of closed leads."""
from __future__ import annotations

import datetime as dt
import math
import random

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import RegionLevel
from accounts.models import Region
from accounts.scoping import can_see, scope
from referrals.choices import NotificationKind
from referrals.services import notify_township

from ..choices import LeadStatus, SpotCheckFinding
from ..models import DistrictSettings, Lead, SpotCheck
from ..writing import LeadError, _check_district_staff, _check_not_future, _lead_url, _save, _today


# --- spot checks -----------------------------------------------------------------------------------
def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def spot_check_sample_size(*, closed: int, percent: int, minimum: int) -> int:
    """5 % of the closed leads, at least 3 (defaults), never more than there are."""
    return min(closed, max(minimum, math.ceil(closed * percent / 100)))


@transaction.atomic
def spot_check_draw(*, user, month: dt.date | None = None, rng: random.Random | None = None) -> list[SpotCheck]:
    """Draw the district's random sample of each township's leads closed in ``month`` (default: last month).

    A township's sample is drawn once: drawing again returns it unchanged.
    """
    _check_district_staff(user)
    today = _today()
    month = _month_start(month or (_month_start(today) - dt.timedelta(days=1)))
    if month >= _month_start(today):
        raise LeadError(_("Only a month that has ended can be sampled."))
    rng = rng or random.SystemRandom()
    district_code = user.region.district_code
    cfg = DistrictSettings.for_district_code(district_code)
    townships = list(Region.objects.select_for_update().filter(level=RegionLevel.TOWNSHIP,
                                                               code__startswith=district_code).order_by("code"))
    start = timezone.make_aware(dt.datetime.combine(month, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(month + relativedelta(months=1), dt.time.min))
    drawn = []
    for township in townships:
        existing = list(SpotCheck.objects.filter(township=township, month=month, level="district"))
        if existing:
            drawn.extend(existing)
            continue
        closed = list(scope(user, Lead.objects.filter(township=township, status=LeadStatus.CLOSED,
                                                      closed_at__gte=start, closed_at__lt=end))
                      .order_by("pk").values_list("pk", flat=True))
        size = spot_check_sample_size(closed=len(closed), percent=cfg.spot_check_percent,
                                      minimum=cfg.spot_check_minimum)
        for lead_id in sorted(rng.sample(closed, size)):
            check = SpotCheck(lead_id=lead_id, township=township, month=month, drawn_by=user)
            _save(check, user, "draw")
            drawn.append(check)
    return drawn


@transaction.atomic
def spot_check_record(*, spot_check: SpotCheck, user, visited_on: dt.date, finding: str, note: str = "") -> SpotCheck:
    """The district's own visit and finding: confirmed, wrongly included or wrongly left out."""
    _check_district_staff(user)
    if not can_see(user, spot_check):
        raise LeadError(_("This lead is outside your area."))
    spot_check = SpotCheck.objects.select_for_update().select_related("lead", "lead__person").get(pk=spot_check.pk)
    note = (note or "").strip()
    if finding not in SpotCheckFinding.values or finding == SpotCheckFinding.PENDING:
        raise LeadError(_("Please choose the finding of the spot check."))
    if visited_on is None:
        raise LeadError(_("Please enter the date of the district's visit."))
    _check_not_future(visited_on, _("date of the district's visit"))
    if finding in (SpotCheckFinding.WRONGLY_INCLUDED, SpotCheckFinding.WRONGLY_LEFT_OUT) and not note:
        raise LeadError(_("Please explain what was wrong."))
    if (spot_check.finding, spot_check.visited_on, spot_check.note) == (finding, visited_on, note):
        return spot_check
    spot_check.finding = finding
    spot_check.visited_on = visited_on
    spot_check.visited_by = user
    spot_check.note = note
    _save(spot_check, user, "record")
    if finding != SpotCheckFinding.CONFIRMED:
        lead = spot_check.lead
        notify_township(township=lead.township, kind=NotificationKind.INFO,
                        title=_("Spot check of lead %(number)s (%(name)s): %(finding)s") % {
                            "number": lead.number, "name": lead.person.name,
                            "finding": spot_check.get_finding_display()},
                        body=note, url=_lead_url(lead), is_urgent=True, subject=spot_check)
    return spot_check
