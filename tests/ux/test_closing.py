"""Issue 16.4: closing is guarded and explained; a referral is done when its form is answered; the review form
has no preselected result."""
import pytest
from django.urls import reverse

from accounts.choices import Role
from cases import services
from cases.choices import LeadStatus, OutcomeKind, OutcomeStatus, ReferralKind
from cases.models import Lead
from referrals.choices import TransferResult
from referrals.models import TransferForm
from referrals.services import transfer_form_answer, transfer_form_issue
from tests.cases import factories as f


def _referred(world):
    lead = f.assessed(world)
    outcome = services.outcome_record(lead=lead, user=f.caseworker(world), kind=OutcomeKind.REFERRAL,
                                      referral_kind=ReferralKind.MEDICAL)
    return Lead.objects.get(pk=lead.pk), outcome


def test_a_referral_is_in_progress_until_the_department_answers(client_for, world):
    lead, outcome = _referred(world)
    assert outcome.status == OutcomeStatus.IN_PROGRESS and outcome.transfer_form_id
    client = client_for(f.caseworker(world))
    html = client.get(lead.get_absolute_url()).content.decode()
    assert 'data-testid="close-blockers"' in html and "办理中" in html
    assert "尚未答复" in html  # the reason names the unanswered form
    refused = client.post(reverse("cases:lead_action", args=[lead.pk, "close"]), {"version": lead.version},
                          follow=True)
    assert "暂不能办结" in refused.content.decode()
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.IN_PROGRESS

    form = TransferForm.objects.get(pk=outcome.transfer_form_id)
    transfer_form_answer(form=form, by=world.users[Role.DEPARTMENT_LIAISON], answer_text="已纳入医疗救助",
                         result=TransferResult.RELIEF_GIVEN)
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.DONE and "医疗" in outcome.approval_note or outcome.approval_note
    lead = Lead.objects.get(pk=lead.pk)
    html = client.get(lead.get_absolute_url()).content.decode()
    assert 'data-testid="close-blockers"' not in html
    client.post(reverse("cases:lead_action", args=[lead.pk, "close"]), {"version": lead.version})
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.CLOSED


def test_no_closing_while_another_transfer_form_is_unanswered(world):
    lead = f.in_progress(world)
    form = transfer_form_issue(lead=lead, by=f.caseworker(world), to_department=world.medical,
                               kind="special_relief", request_text="请核查住院费用")
    with pytest.raises(services.LeadError, match=form.number):
        services.lead_close(lead=lead, user=f.caseworker(world))


def test_the_review_form_has_no_preselected_result(client_for, world):
    lead = f.assessed(world)
    services.outcome_record(lead=lead, user=f.caseworker(world), kind=OutcomeKind.DIBAO)
    html = client_for(f.caseworker(world)).get(lead.get_absolute_url()).content.decode()
    assert 'name="approved"' in html
    assert 'name="approved" value="yes" class="form-check-input" required id="id_approved_0" checked' not in html
    assert "checked" not in html.split('name="approved"', 1)[1].split(">", 1)[0]
    for chunk in html.split('name="approved"')[1:]:
        assert "checked" not in chunk.split(">", 1)[0]
