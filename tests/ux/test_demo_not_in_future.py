"""Issue 16.15: demo data never has leads (or their steps, or transfer forms) dated in the future."""
import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from cases.demo import seed_demo
from cases.models import Lead
from referrals.models import TransferForm


def test_a_demo_seeded_early_in_the_morning_has_nothing_in_the_future(regions):
    morning = dt.datetime(2026, 11, 23, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(morning, tick=False):
        seed_demo(district_code="370304", people=2000, seed=3, today=dt.date(2026, 11, 23), leads=80)
    assert Lead.objects.count() > 50
    for field in ("reported_at", "accepted_at", "investigation_started_at", "assessed_at", "closed_at"):
        assert not Lead.objects.filter(**{f"{field}__gt": morning}).exists(), field
    assert not Lead.objects.filter(discovered_on__gt=morning.date()).exists()
    for field in ("issued_at", "received_at", "answered_at", "closed_at"):
        assert not TransferForm.objects.filter(**{f"{field}__gt": morning}).exists(), field
