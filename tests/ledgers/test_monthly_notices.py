"""Issue 17: the monthly report counts the notices' facts — results told (告知), 回访测评, 备案 and 漏报."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from cases import services
from cases.choices import FollowUpKind, OutcomeKind
from cases.informing import outcome_notify
from cases.models import FollowUp, Lead
from ledgers.monthly.selectors import compute_figures, figure_sections
from tests.cases import factories as f


@pytest.mark.django_db
def test_the_monthly_figures_count_told_assessed_and_filed(world):
    cw = f.caseworker(world)
    lead = f.assessed(world)
    outcome = services.outcome_record(lead=lead, user=cw, kind=OutcomeKind.TEMPORARY, amount=Decimal("800"))
    outcome_notify(outcome=outcome, user=cw, notified_on=timezone.localdate(), notified_how="phone")
    lead = services.lead_close(lead=Lead.objects.get(pk=lead.pk), user=cw)
    follow_up = FollowUp.objects.get(lead=lead, kind=FollowUpKind.AFTER_OUTCOME)
    services.follow_up_record(follow_up=follow_up, user=cw, done_on=timezone.localdate(), mode="phone",
                              findings="已好转", still_in_hardship=False, satisfaction="dissatisfied")
    month = timezone.localdate().replace(day=1)
    figures = compute_figures(townships=[world.township_a], month=month)[world.township_a.pk]["figures"]
    assert (figures["told"], figures["assessed_by_person"], figures["dissatisfied"], figures["filings_owed"]) == \
        (1, 1, 1, 1)
    keys = {row.key for section in figure_sections() for row in section.rows}
    assert {"told", "assessed_by_person", "filings_owed", "filings_received", "missed_reports"} <= keys
