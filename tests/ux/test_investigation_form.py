"""Issue 16.3: 保存并完成评估 with missing fields keeps the form open with those fields marked."""
from django.urls import reverse

from cases.choices import LeadStatus
from cases.models import Lead
from tests.cases import factories as f
from tests.cases.test_case_pages import _investigation_post


def test_an_incomplete_assessment_keeps_the_form_open_with_the_missing_fields_marked(client_for, world):
    lead = f.investigating(world)
    client = client_for(f.caseworker(world))
    url = reverse("cases:investigation_edit", args=[lead.pk])
    response = client.post(url, _investigation_post(lead, then="assess", income_12m="", difficulty_class="",
                                                    situation="我写的情况"))
    assert response.status_code == 200  # no redirect
    html = response.content.decode()
    assert 'data-testid="investigation-form"' in html
    assert "我写的情况" in html  # what was typed is still there
    assert 'field-invalid" data-field="income_12m"' in html
    assert 'field-invalid" data-field="difficulty_class"' in html
    assert 'field-invalid" data-field="situation"' not in html
    assert "alert-success" not in html  # no green 已保存
    assert "尚不能完成评估" in html
    lead.refresh_from_db()
    assert lead.status == LeadStatus.INVESTIGATING
    # Filling them in from the same page finishes the assessment.
    done = client.post(url, _investigation_post(Lead.objects.get(pk=lead.pk), then="assess"))
    assert done.status_code == 302
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.ASSESSED


def test_an_open_check_without_reason_is_marked_too(client_for, world):
    lead = f.investigating(world)
    client = client_for(f.caseworker(world))
    url = reverse("cases:investigation_edit", args=[lead.pk])
    response = client.post(url, _investigation_post(lead, then="assess", proposals=""))
    assert response.status_code == 200
    assert 'field-invalid" data-field="no_proposal_reason"' in response.content.decode()
