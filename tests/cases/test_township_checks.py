"""Issue 17 rule 10 (seed 002 二(六): "乡…经办人员要对'急难'对象进行抽查、回访…不定期对各村随机抽查，防止出现漏报"):
the township draws its own spot checks of 急难 leads and samples households never reported; hardship found there is a
漏报, raises a lead and counts in the assessment."""
from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from accounts.choices import Role
from cases.choices import AssistanceStatus, SourceType
from cases.models import LeadSource, UnreportedCheck
from cases.services import LeadError
from cases.township_checks import township_checks_draw, unreported_check_record
from tests.cases import factories as f
from tests.factories import PersonFactory


@pytest.mark.django_db
def test_the_township_samples_urgent_leads_and_never_reported_households(world):
    cw = f.caseworker(world)
    urgent = f.reported(world, urgent=True)
    poor = PersonFactory(village=world.village_a1, name="未报户")
    poor.assistance_status = AssistanceStatus.DIBAO_EDGE
    poor.save()
    month = timezone.localdate().replace(day=1)
    spot, unreported = township_checks_draw(user=cw, township=world.township_a, month=month, rng=random.Random(1))
    assert [s.lead_id for s in spot] == [urgent.pk] and spot[0].level == "township"
    assert [u.person for u in unreported] == [poor]  # 张一 has a lead; 李二 has no status or tag
    again = township_checks_draw(user=cw, township=world.township_a, month=month)
    assert [u.pk for u in again[1]] == [unreported[0].pk]
    with pytest.raises(LeadError):
        township_checks_draw(user=world.users["caseworker_b"], township=world.township_a, month=month)

    check = unreported_check_record(check=unreported[0], user=cw, visited_on=timezone.localdate(),
                                    finding=UnreportedCheck.Finding.MISSED, note="老人独居无收入，未纳入任何救助")
    assert check.lead is not None and check.lead.person == poor
    assert LeadSource.objects.filter(lead=check.lead, origin_type="cases.UnreportedCheck").exists()


@pytest.mark.django_db
def test_a_missed_report_counts_against_the_township_in_the_assessment(world):
    from ledgers.assessment.selectors import assessment_table

    staff = world.users[Role.DISTRICT_STAFF]
    poor = PersonFactory(village=world.village_a1, name="未报户")
    poor.assistance_status = AssistanceStatus.DIBAO_EDGE
    poor.save()
    month = timezone.localdate().replace(day=1)
    _spot, unreported = township_checks_draw(user=staff, township=world.township_a, month=month)
    unreported_check_record(check=unreported[0], user=staff, visited_on=timezone.localdate(),
                            finding=UnreportedCheck.Finding.MISSED, note="漏报")
    rows, _weights = assessment_table(user=staff, first=month, last=month)
    row = next(r for r in rows if r.township == world.township_a)
    assert row.missed_reports == 1 and row.spot_check_findings >= 1
