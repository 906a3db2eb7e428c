"""Issue 16.10: notifications are read once their object is dealt with; a township is not told of a lead it
entered itself."""
from accounts.choices import Role
from cases import services
from referrals.choices import TransferResult
from referrals.models import Notification
from referrals.services import transfer_form_answer, transfer_form_issue
from tests.cases import factories as f
from tests.intake.test_public import make_report
from intake.public.services import public_report_accept


def unread(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def test_a_liaisons_notification_is_read_once_the_form_is_answered(world):
    lead = f.in_progress(world)
    liaison, staff = world.users[Role.DEPARTMENT_LIAISON], world.users[Role.DISTRICT_STAFF]
    form = transfer_form_issue(lead=lead, by=staff, to_department=world.medical, kind="special_relief",
                               request_text="请核查")
    assert unread(liaison).count() == 1
    transfer_form_answer(form=form, by=liaison, answer_text="已核查", result=TransferResult.NOT_ELIGIBLE)
    assert unread(liaison).count() == 0
    assert unread(staff).filter(title__contains=form.number).count() == 1  # the issuer is told of the answer


def test_a_townships_notification_is_read_once_the_lead_is_accepted(world):
    lead = f.reported(world, "a1")  # entered by the village assistant
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    assert unread(caseworker).filter(subject_id=str(lead.pk)).count() == 1
    services.lead_accept(lead=lead, user=caseworker)
    assert unread(caseworker).count() == 0 and unread(world.users[Role.TOWNSHIP_HEAD]).count() == 0


def test_a_township_is_not_told_of_a_lead_it_entered_itself(world):
    f.reported(world, "a2")  # entered by township A's caseworker
    assert not Notification.objects.filter(recipient__region=world.township_a).exists()


def test_a_public_report_is_read_once_accepted_and_the_new_lead_is_not_announced(world):
    report = make_report(world)
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    assert unread(caseworker).count() == 1
    public_report_accept(report=report, user=caseworker, person=world.people["a1"])
    assert unread(caseworker).count() == 0
