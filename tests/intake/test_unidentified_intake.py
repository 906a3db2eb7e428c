"""Issue 17 rule 7 on the paths people use: the lead form, the hotline form and the acceptance of a public report take
a lead for someone whose ID nobody knows (a name or a description, and where the person was found)."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases.models import Lead
from intake.choices import PublicReportStatus
from intake.public.services import public_report_submit
from referrals.models import Notification

NEW = reverse("intake:lead_create")
HOTLINE = reverse("intake:hotline_create")


def form_data(**overrides):
    data = {"method": "visit", "channel": "home_visit", "discovered_on": timezone.localdate().isoformat(),
            "family_situation": "老人夜宿车站，衣着单薄。", "suspected_relief": [], "causes": []}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_assistant_logs_a_lead_without_an_id_and_the_township_is_told(client_for, world):
    client = client_for(world.users[Role.VILLAGE_ASSISTANT])
    page = client.get(NEW).content.decode()
    assert 'data-testid="unidentified-part"' in page and "身份证号码不详" in page
    # Neither a name nor a description: refused in Chinese, what was typed kept.
    response = client.post(NEW, form_data(unidentified="on", found_at="镇汽车站", village=world.village_a1.pk))
    assert response.status_code == 200 and "描述" in response.content.decode()
    assert not Lead.objects.exists()
    response = client.post(NEW, form_data(unidentified="on", description="约70岁，拄拐杖，口音外地",
                                          found_at="镇汽车站候车室", village=world.village_a1.pk, is_urgent="on"))
    lead = Lead.objects.get()
    assert response.status_code == 302 and response.url == lead.get_absolute_url()
    assert lead.person.is_unidentified and lead.person.found_at == "镇汽车站候车室"
    assert lead.person.description == "约70岁，拄拐杖，口音外地" and lead.is_urgent
    assert Notification.objects.filter(recipient=world.users[Role.TOWNSHIP_CASEWORKER], is_urgent=True).exists()


@pytest.mark.django_db
def test_where_found_is_required_and_the_village_must_be_the_assistants(client_for, world):
    client = client_for(world.users[Role.VILLAGE_ASSISTANT])
    response = client.post(NEW, form_data(unidentified="on", name="刘大爷", village=world.village_a1.pk))
    assert response.status_code == 200 and "发现地点" in response.content.decode()
    response = client.post(NEW, form_data(unidentified="on", name="刘大爷", found_at="桥下",
                                          village=world.village_b1.pk))
    assert response.status_code == 200 and not Lead.objects.exists()


@pytest.mark.django_db
def test_a_hotline_call_about_liu_daye_is_logged_by_name_only(client_for, world):
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    response = client.post(HOTLINE, form_data(method="work", channel="hotline", unidentified="on", name="刘大爷",
                                              found_at="镇汽车站", village=world.village_a2.pk,
                                              reporter_name="王女士", reporter_phone="13812345678"))
    lead = Lead.objects.get()
    assert response.status_code == 302 and lead.person.name == "刘大爷" and lead.person.is_unidentified
    assert lead.village == world.village_a2
    # The case page shows the identity to complete and why the lead cannot be closed yet.
    page = client.get(lead.get_absolute_url()).content.decode()
    assert 'data-testid="unidentified"' in page and "镇汽车站" in page


@pytest.mark.django_db
def test_a_public_report_without_an_id_is_accepted_for_a_person_not_identified_yet(client_for, world):
    report = public_report_submit(township=world.township_a, subject_name="刘大爷", description="老人夜宿车站。",
                                  reporter_phone="13812345678", address="镇汽车站")
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    url = reverse("intake:public_report_detail", args=[report.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="accept-unidentified"' in page
    # Without a village: refused, nothing created.
    response = client.post(url, {"action": "accept", "accept-unidentified": "on", "accept-found_at": "镇汽车站"})
    assert response.status_code == 200 and not Lead.objects.exists()
    response = client.post(url, {"action": "accept", "accept-unidentified": "on", "accept-name": "刘大爷",
                                 "accept-description": "约70岁", "accept-found_at": "",
                                 "accept-village": world.village_a1.pk})
    assert response.status_code == 200 and not Lead.objects.exists()  # where found is needed
    response = client.post(url, {"action": "accept", "accept-unidentified": "on", "accept-name": "刘大爷",
                                 "accept-description": "约70岁", "accept-found_at": "镇汽车站候车室",
                                 "accept-village": world.village_a1.pk})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == PublicReportStatus.ACCEPTED
    person = report.lead.person
    assert person.is_unidentified and person.name == "刘大爷" and person.found_at == "镇汽车站候车室"
    assert person.id_number.startswith("000000")
