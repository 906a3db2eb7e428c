"""Leads and transfer forms for the referrals tests, made through the real services."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.choices import Role
from cases.services import lead_report
from referrals.services import transfer_form_issue

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An aware datetime in Asia/Shanghai."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def lead_for(world, person: str = "a1", *, discovered_on: dt.date | None = None, now: dt.datetime | None = None):
    """An open lead for one of the world's people, logged by the village assistant of their village."""
    person_obj = world.people[person]
    assistant = world.users[Role.VILLAGE_ASSISTANT] if person_obj.village_id == world.village_a1.pk \
        else world.users.get("assistant_b")
    if now is not None:
        discovered_on = discovered_on or now.astimezone(SHANGHAI).date()
    kwargs = {"now": now} if now is not None else {}
    lead, _merged = lead_report(person=person_obj, method="visit", channel="home_visit",
                                discovered_on=discovered_on or timezone.localdate(), by=None,
                                reporter_name="测试协理员", description="因病致贫，家庭收入低。", **kwargs)
    return lead


def issue(world, *, lead=None, to: str = "township", by=None, kind: str = "investigate",
          request_text: str = "请入户核实家庭经济状况并反馈。", now: dt.datetime | None = None):
    """Issue a form from the district centre (by default) to township A or the medical-insurance department."""
    lead = lead or lead_for(world)
    by = by or world.users[Role.DISTRICT_STAFF]
    target = {"to_region": world.township_a} if to == "township" else {"to_department": world.medical}
    return transfer_form_issue(lead=lead, by=by, kind=kind, request_text=request_text, now=now, **target)
