"""Issue 16.6: a liaison is never handed a link to a page they may not open (the lead behind a transfer form)."""
from django.urls import reverse

from accounts.choices import Role
from referrals.services import transfer_form_issue
from tests.cases import factories as f


def test_the_liaison_sees_the_lead_number_without_a_link(client_for, world):
    lead = f.in_progress(world)
    form = transfer_form_issue(lead=lead, by=world.users[Role.DISTRICT_STAFF], to_department=world.medical,
                               kind="special_relief", request_text="请核查")
    lead_url = lead.get_absolute_url()
    liaison = client_for(world.users[Role.DEPARTMENT_LIAISON])
    assert liaison.get(lead_url).status_code in (403, 404)  # the page they may not open
    for url in (form.get_absolute_url(), reverse("referrals:transferform_list")):
        html = liaison.get(url).content.decode()
        assert lead.number in html, url
        assert f'href="{lead_url}"' not in html, url
    # The district staff still gets the link.
    html = client_for(world.users[Role.DISTRICT_STAFF]).get(form.get_absolute_url()).content.decode()
    assert f'href="{lead_url}"' in html
