"""Leads, transfer forms in a chosen state, built row by row: the dashboard reads data, whatever made it."""
from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from cases.choices import Channel, DiscoveryMethod, LeadStatus
from cases.models import Lead, Outcome
from referrals.models import TransferForm, TransferKind
from tests.factories import PersonFactory, valid_id

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


def lead(village, *, method=DiscoveryMethod.VISIT, found: dt.date, reported: dt.datetime | None = None,
         accepted: dt.datetime | None = None, assessed: dt.datetime | None = None, status=None,
         outcomes=(), urgent=False, id_address="370304") -> Lead:
    person = PersonFactory(village=village, id_number=valid_id(address=id_address))
    if status is None:
        status = LeadStatus.ASSESSED if assessed else LeadStatus.ACCEPTED if accepted else LeadStatus.REPORTED
    made = Lead.objects.create(
        number=f"T-{next(_numbers):06d}", person=person, township=village.parent, village=village, method=method,
        channel={"visit": Channel.HOME_VISIT, "data_push": Channel.DEPARTMENT_DATA}.get(method, Channel.SERVICE_HALL),
        discovered_on=found, reported_at=reported or at(found), accepted_at=accepted, assessed_at=assessed,
        status=status, is_urgent=urgent)
    for kind, outcome_status in outcomes:
        Outcome.objects.create(lead=made, kind=kind, status=outcome_status)
    return made


def form(lead_obj, *, from_region, scope_region, due: dt.date, status="issued", to_region=None, to_department=None):
    return TransferForm.objects.create(
        number=f"ZB-T-{next(_numbers):06d}", kind=TransferKind.objects.get(code="investigate"), lead=lead_obj,
        from_region=from_region, to_region=to_region, to_department=to_department, scope_region=scope_region,
        request_text="请核实", issued_at=at(due - dt.timedelta(days=7)), due_on=due, status=status,
        link_expires_at=at(due + dt.timedelta(days=30)))
