"""The inbox's cards written in Python (intake/leads/cards.py) are the markup of their reference template
(templates/intake/_inbox_lead.html), for leads of every shape, and the inbox shows them (issue 15)."""
import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from accounts.choices import Role
from cases.models import ReliefKind
from cases.services import lead_report
from intake.leads import selectors
from intake.leads.cards import inbox_cards

pytestmark = pytest.mark.django_db

TOKEN = "aB3" * 21 + "x"  # a csrf token's 64 characters


def _leads(world):
    """An urgent lead reported twice with suspected relief; a late one whose text needs escaping and is long."""
    today = timezone.localdate()
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    kinds = list(ReliefKind.objects.order_by("order")[:2])
    lead_report(person=world.people["a1"], method="visit", channel="home_visit", discovered_on=today,
                by=assistant, suspected_relief=kinds, is_urgent=True, description="第一次 <b>&\"'")
    lead_report(person=world.people["a1"], method="work", channel="hotline", discovered_on=today, by=caseworker,
                description="邻居来电")
    lead_report(person=world.people["a2"], method="visit", channel="home_visit",
                discovered_on=today - dt.timedelta(days=5), by=caseworker, late_reason="外出",
                description="独居老人<script>" + "很长的情况。" * 40)
    return selectors.inbox(user=caseworker)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_card_is_the_reference_templates_markup(world, language):
    found = _leads(world)
    leads = found["urgent"] + found["normal"]
    assert len(leads) == 2 and any(lead.is_late_report for lead in leads)
    assert any(lead.source_count > 1 and lead.suspected_relief.all() for lead in leads)
    assert [lead.source_count for lead in leads] == [lead.sources.count() for lead in leads]
    with override(language):
        for lead in leads:
            reference = render_to_string("intake/_inbox_lead.html", {"lead": lead, "csrf_token": TOKEN})
            assert str(inbox_cards([lead], TOKEN)) == reference
        assert str(inbox_cards(leads, TOKEN, after="\n    ")) == "".join(
            render_to_string("intake/_inbox_lead.html", {"lead": lead, "csrf_token": TOKEN}) + "\n    "
            for lead in leads)


def test_the_inbox_shows_the_cards_with_working_forms(client_for, world):
    found = _leads(world)
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    html = client.get(reverse("intake:inbox")).content.decode()
    for lead in found["urgent"] + found["normal"]:
        assert f'data-lead-number="{lead.number}"' in html
        assert f'<a href="{lead.get_absolute_url()}" class="fw-semibold">' in html
        assert f'action="{reverse("intake:inbox_lead_action", args=[lead.pk, "accept"])}"' in html
    assert "&lt;script&gt;" in html and "<script>很长" not in html
    assert html.count('name="csrfmiddlewaretoken"') >= 6  # three forms a card
