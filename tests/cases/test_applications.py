"""Issue 17 rule 5: 帮办代办 as a task (materials, date of application) and the 公示 of 低保/特困 applications,
at least 7 days (seed 001: "协助其收集、准备相关的书面申请材料，帮助提交救助申请"; "协助做好…公示等工作")."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases import applications, services
from cases.choices import OutcomeKind
from cases.services import LeadError
from tests.cases import factories as f

D = dt.timedelta


@pytest.mark.django_db
def test_the_assistant_gathers_the_materials_and_submits_the_application(world, client_for):
    lead = f.investigated(world, data={"needs_application_help": True})
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    page = client_for(assistant).get(lead.get_absolute_url()).content.decode()
    assert 'data-testid="application-help"' in page
    with pytest.raises(LeadError):
        applications.application_help_record(lead=lead, user=assistant, materials="", applied_on=f.days_ago(0))
    task = applications.application_help_record(lead=lead, user=assistant, materials="身份证\n户口簿\n住院发票")
    assert not task.is_done
    response = client_for(assistant).post(reverse("cases:application_help", args=[lead.pk]),
                                          {"materials": "身份证\n户口簿\n住院发票",
                                           "applied_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.is_done and task.applied_on == timezone.localdate() and task.helper == assistant
    with pytest.raises(LeadError):
        applications.application_help_record(lead=lead, user=world.users["assistant_b"], materials="x")


@pytest.mark.django_db
def test_the_public_notice_lasts_seven_days_and_inclusion_waits_for_its_end(world):
    cw = f.caseworker(world)
    lead = f.assessed(world)
    outcome = services.outcome_record(lead=lead, user=cw, kind=OutcomeKind.DIBAO)
    start = timezone.localdate() - D(days=10)
    with pytest.raises(LeadError, match="7"):
        applications.outcome_publicity_record(outcome=outcome, user=cw, starts_on=start, ends_on=start + D(days=5))
    applications.outcome_publicity_record(outcome=outcome, user=cw, starts_on=start, ends_on=start + D(days=6))
    outcome.refresh_from_db()
    assert outcome.publicity_ends_on == start + D(days=6)
    with pytest.raises(LeadError, match="公示"):
        services.outcome_complete(outcome=outcome, user=cw, included_on=start + D(days=3))
    services.outcome_complete(outcome=outcome, user=cw, included_on=start + D(days=7))
    temporary = services.outcome_record(lead=lead, user=cw, kind=OutcomeKind.TEMPORARY, amount=500)
    with pytest.raises(LeadError):
        applications.outcome_publicity_record(outcome=temporary, user=cw, starts_on=start, ends_on=start + D(days=8))
