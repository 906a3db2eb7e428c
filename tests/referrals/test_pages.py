"""The referrals pages: lists with pinned query counts, the inbox and its badge, escalations, Chinese text."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.choices import Role
from referrals import services
from referrals.choices import NotificationKind
from referrals.models import CalendarYear, Holiday, Notification, Reminder, TransferForm
from tests.queries import assert_list_queries, list_page
from tests.test_pages_are_chinese import visible_words

from .factories import at, issue, lead_for

LIST = reverse("referrals:transferform_list")
TRACKING = reverse("referrals:transferform_tracking")
INBOX = reverse("referrals:notification_list")
ESCALATIONS = reverse("referrals:escalation_list")


def many_forms(world, n=110):
    """n forms to township A and n to the medical department (cloned onto one lead), some chased."""
    Holiday.objects.create(date=dt.date(2026, 4, 1), is_working_day=True, name="测试")
    first = issue(world, now=at(dt.date(2026, 3, 2)))
    second = issue(world, lead=first.lead, to="department", now=at(dt.date(2026, 11, 20)))
    services.transfer_forms_chase(today=dt.date(2026, 3, 12))
    services.transfer_forms_chase(today=dt.date(2026, 3, 16))
    clones = []
    for template in (first, second):
        for i in range(n):
            clone = TransferForm.objects.get(pk=template.pk)
            clone.pk = None
            clone.number = f"{template.number}-{i:03d}"
            clone.status = ("issued", "received", "answered", "closed")[i % 4]
            clones.append(clone)
    TransferForm.objects.bulk_create(clones)
    for clone in TransferForm.objects.exclude(pk__in=[first.pk, second.pk]):
        Reminder.objects.create(subject_type="referrals.TransferForm", subject_id=str(clone.pk), transfer_form=clone,
                                level="reminder", sent_on=dt.date(2026, 3, 10), due_on=clone.due_on,
                                overdue_working_days=1, region=clone.scope_region, recipient_name="测试",
                                title="测试提醒")
    return first


# The queries of the district's and a township's lists of transfer forms, of the tracking page and of the
# reminders (tests/queries.py): the same at 25 and at 100 rows.
TRANSFER_LIST_QUERIES = [
    *list_page("referrals_transferform"),
    ("SELECT accounts_department", "the filter's choices of departments (the user's district)"),
    ("SELECT referrals_transferkind", "the filter's choices of kinds of form"),
    # The page's joins planned in the order written: 20–38 ms of planning → 1–3 ms (common/planner.py, DECISIONS 1325).
    ("SET", "join_collapse_limit = 1, for the page of forms only"),
    ("SELECT referrals_transferform", "the page of forms (one query whatever the page size)"),
    ("SET", "join_collapse_limit back to its default"),
    ("SELECT referrals_holiday", "the working-day calendar, once, for the due and overdue columns"),
]
TRACKING_QUERIES = [
    *TRANSFER_LIST_QUERIES[:-2],
    ("SELECT referrals_reminder", "the page's reminders, prefetched in one query (the last reminder column)"),
    *TRANSFER_LIST_QUERIES[-2:],
]
REMINDER_LIST_QUERIES = [
    *list_page("referrals_reminder", audited=False),  # reminders name forms and departments, no person
    ("SELECT accounts_department", "the filter's choices of departments"),
    ("SELECT referrals_reminder", "the page of reminders (one query whatever the page size)"),
]


@pytest.mark.parametrize("role", [Role.DISTRICT_STAFF, Role.TOWNSHIP_CASEWORKER])
def test_transfer_form_list_runs_its_pinned_queries_at_25_and_100(client_for, world, role):
    many_forms(world)
    assert_list_queries(client_for(world.users[role]), LIST, TRANSFER_LIST_QUERIES, min_rows=100)


def test_tracking_and_reminder_lists_run_their_pinned_queries(client_for, world):
    many_forms(world)
    client = client_for(world.users[Role.DISTRICT_STAFF])
    assert_list_queries(client, TRACKING, TRACKING_QUERIES, min_rows=100)
    assert_list_queries(client, reverse("referrals:reminder_list"), REMINDER_LIST_QUERIES, min_rows=100)


# Escalations (tests/queries.py): the reminder list's queries, and the count of reminders per recipient beside it.
ESCALATION_QUERIES = [
    *list_page("referrals_reminder", audited=False)[:4],
    ("SELECT referrals_reminder", "the reminders sent per recipient, by step (the table beside the list)"),
    *list_page("referrals_reminder", audited=False)[4:],
    ("SELECT accounts_department", "the filter's choices of departments"),
    ("SELECT referrals_reminder", "the page of escalations (one query whatever the page size)"),
]


def test_escalation_list_runs_its_pinned_queries_at_25_and_100(client_for, world):
    many_forms(world)
    Reminder.objects.filter(recipient_name="测试").update(level="escalation")  # the clones' (one step each)
    assert_list_queries(client_for(world.users[Role.DISTRICT_STAFF]), ESCALATIONS, ESCALATION_QUERIES,
                        min_rows=100)


# The inbox (tests/queries.py): everyone has one, so no permission is checked before the list; the menu's
# permission checks come with the template. The unread count is counted once a request: the "mark all read"
# button and the menu's badge show the same number (referrals.badges.unread).
INBOX_QUERIES = [
    ("SELECT django_session", "the session"),
    ("SELECT accounts_user", "the logged-in user with their region (notifications_for scopes by it; DECISIONS 1522)"),
    ("COUNT referrals_notification", "the paginator's count of the user's notifications"),
    ("COUNT referrals_notification", "the unread ones, for the \"mark all read\" button and the menu's badge"),
    ("SELECT auth_permission", "the user's own and their groups' permissions, one UNION (the menu)"),
    ("SELECT referrals_notification", "the page of notifications"),
]


def test_inbox_runs_its_pinned_queries_at_25_and_100(client_for, world):
    user = world.users[Role.TOWNSHIP_CASEWORKER]
    services.notify(recipients=[user] * 120, kind=NotificationKind.INFO, title="测试通知")
    assert_list_queries(client_for(user), INBOX, INBOX_QUERIES, min_rows=100)


def test_filters_overdue_due_soon_status_and_recipient(client_for, world, time_machine):
    time_machine.move_to(at(dt.date(2026, 3, 10), 10))
    overdue = issue(world, now=at(dt.date(2026, 3, 2)))                                  # due 03-09
    soon = issue(world, lead=lead_for(world, "a2"), to="department", now=at(dt.date(2026, 3, 4)))  # due 03-11
    later = issue(world, lead=lead_for(world, "b1"), to="department", now=at(dt.date(2026, 3, 9)))  # due 03-16
    client = client_for(world.users[Role.DISTRICT_STAFF])

    def numbers(**params):
        html = client.get(LIST, params).content.decode()
        return {f.number for f in (overdue, soon, later) if f.number in html}

    assert numbers() == {overdue.number, soon.number, later.number}
    assert numbers(deadline="overdue") == {overdue.number}
    assert numbers(deadline="due_soon") == {soon.number}
    assert numbers(to_department=world.medical.pk) == {soon.number, later.number}
    assert numbers(to_region=world.township_a.pk) == {overdue.number}
    assert numbers(status="issued", q=overdue.number) == {overdue.number}
    assert "个工作日" in client.get(LIST, {"deadline": "overdue"}).content.decode()
    assert world.medical.name in client.get(LIST, {"to_department": world.medical.pk}).content.decode()
    export = client.get(LIST, {"deadline": "overdue", "export": "xlsx"})
    assert export.status_code == 200


def test_township_sees_received_and_issued(client_for, world):
    received = issue(world)
    issued = services.transfer_form_issue(lead=lead_for(world, "a2"), by=world.users[Role.TOWNSHIP_CASEWORKER],
                                          to_department=world.health, kind="special_relief", request_text="医疗救助")
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    html = client.get(LIST, {"direction": "issued"}).content.decode()
    assert issued.number in html and received.number not in html
    html = client.get(LIST, {"direction": "received"}).content.decode()
    assert received.number in html and issued.number not in html


def test_tracking_and_escalations_are_for_the_district(client_for, world):
    assert client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(TRACKING).status_code == 403
    assert client_for(world.users[Role.DEPARTMENT_LIAISON]).get(ESCALATIONS).status_code == 403
    assert client_for(world.users[Role.DISTRICT_HEAD]).get(ESCALATIONS).status_code == 200


def test_the_district_sees_escalations_across_townships_and_departments(client_for, world):
    to_township = issue(world, now=at(dt.date(2026, 3, 2)))
    to_department = issue(world, lead=lead_for(world, "b1"), to="department", now=at(dt.date(2026, 3, 2)))
    for day in (10, 12, 16):
        services.transfer_forms_chase(today=dt.date(2026, 3, day))
    assert Reminder.objects.filter(level="escalation").count() == 2
    html = client_for(world.users[Role.DISTRICT_STAFF]).get(ESCALATIONS).content.decode()
    assert to_township.number in html and to_department.number in html
    assert "域城镇" in html and world.medical.name in html
    # The written reminder prints as a letter, counted per office.
    written = Reminder.objects.get(transfer_form=to_department, level="written_reminder")
    letter = client_for(world.users[Role.DISTRICT_STAFF]).get(reverse("referrals:reminder_print", args=[written.pk]))
    assert letter.status_code == 200 and "书面提醒" in letter.content.decode()
    assert client_for(world.users["caseworker_b"]).get(
        reverse("referrals:reminder_print", args=[written.pk])).status_code == 404


def test_inbox_badge_open_and_mark_all_read(client_for, world):
    user = world.users[Role.TOWNSHIP_CASEWORKER]
    form = issue(world)                                    # one notification for the caseworker
    services.notify(recipients=[world.users[Role.TOWNSHIP_HEAD]], kind=NotificationKind.INFO, title="别人的通知")
    client = client_for(user)
    home = client.get(reverse("accounts:home")).content.decode()
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    assert f'data-testid="badge-count">{unread}<' in home
    page = client.get(INBOX).content.decode()
    assert form.number in page and "别人的通知" not in page
    note = Notification.objects.get(recipient=user, subject_type="referrals.TransferForm")
    response = client.get(reverse("referrals:notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == form.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None
    assert f'data-testid="badge-count">{unread - 1}<' in client.get(reverse("accounts:home")).content.decode()
    other = Notification.objects.get(recipient=world.users[Role.TOWNSHIP_HEAD], title="别人的通知")
    assert client.get(reverse("referrals:notification_open", args=[other.pk])).status_code == 404
    services.notify(recipients=[user, user], kind=NotificationKind.REMINDER, title="提醒")
    assert client.post(reverse("referrals:notifications_read_all")).status_code == 302
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_liaisons_have_an_inbox_too(client_for, world):
    issue(world, to="department")
    html = client_for(world.users[Role.DEPARTMENT_LIAISON]).get(INBOX).content.decode()
    assert "新线索转办单" in html


def test_calendar_warning_for_the_district_when_next_year_is_unknown(client_for, world, time_machine):
    time_machine.move_to(at(dt.date(2026, 11, 20), 10))
    admin = client_for(world.users[Role.ADMINISTRATOR])
    assert 'data-testid="calendar-warning"' in admin.get(reverse("accounts:home")).content.decode()
    caseworker_home = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(reverse("accounts:home"))
    assert 'data-testid="calendar-warning"' not in caseworker_home.content.decode()
    CalendarYear.objects.create(year=2027)
    assert 'data-testid="calendar-warning"' not in admin.get(reverse("accounts:home")).content.decode()


def test_calendar_warning_when_a_due_date_falls_in_an_unknown_year(client_for, world, time_machine):
    time_machine.move_to(at(dt.date(2026, 6, 1), 10))
    client = client_for(world.users[Role.DISTRICT_STAFF])
    assert 'data-testid="calendar-warning"' not in client.get(reverse("accounts:home")).content.decode()
    issue(world, now=at(dt.date(2026, 12, 28)))
    assert 'data-testid="calendar-warning"' in client.get(reverse("accounts:home")).content.decode()


def assert_chinese(response):
    """No English in the page's own content (the menu of other apps is checked by tests/test_pages_are_chinese)."""
    import re

    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    main = re.search(r"(?s)<main\b.*?</main>", html)
    html = main.group(0) if main else html
    html = re.sub(r"https?://[^\s<\"]+", " ", html)   # a printed link is an address, not English
    from accounts.models import User

    for username in User.objects.values_list("username", flat=True):
        html = re.sub(re.escape(username), " ", html, flags=re.IGNORECASE)
    words = visible_words(html)
    assert not words, f"English on {response.request['PATH_INFO']}: {sorted(words)}"


def test_pages_are_chinese(client_for, world):
    form = issue(world, to="department", now=at(dt.date(2026, 3, 2)))
    lead = lead_for(world, "a2")
    for day in (10, 12, 16):
        services.transfer_forms_chase(today=dt.date(2026, 3, day))
    staff = client_for(world.users[Role.DISTRICT_STAFF])
    for url in (LIST, TRACKING, ESCALATIONS, INBOX, reverse("referrals:reminder_list"),
                form.get_absolute_url(), reverse("referrals:transferform_print", args=[form.pk]),
                reverse("referrals:transferform_create") + f"?lead={lead.pk}",
                reverse("referrals:reminder_print", args=[Reminder.objects.filter(level="written_reminder")[0].pk]),
                reverse("accounts:home")):
        assert_chinese(staff.get(url))
    assert_chinese(staff.get(LIST, {"deadline": "overdue"}))
    liaison = client_for(world.users[Role.DEPARTMENT_LIAISON])
    assert_chinese(liaison.get(form.get_absolute_url()))
    assert_chinese(liaison.get(LIST))
    from django.test import Client

    from referrals.links import answer_link_token

    anonymous = Client()
    fresh = issue(world, lead=lead, to="department")
    assert_chinese(anonymous.get(reverse("referrals:answer_link", args=[answer_link_token(fresh)])))
    response = anonymous.get(reverse("referrals:answer_link", args=["x:y"]))
    assert response.status_code == 410


def test_admin_pages_with_data_are_chinese(client_for, world):
    form = issue(world, now=at(dt.date(2026, 3, 2)))
    Holiday.objects.create(date=dt.date(2027, 1, 1), is_working_day=False, name="元旦")
    CalendarYear.objects.create(year=2027, note="国务院办公厅通知")
    from referrals.chaser import run_job

    run_job(job="transfer_form", work=services.transfer_forms_chase, today=dt.date(2026, 3, 10))
    admin = client_for(world.users[Role.ADMINISTRATOR])
    from referrals.models import ChaserRun, TransferKind

    for model, obj in ((TransferForm, form), (Holiday, Holiday.objects.get()), (CalendarYear, CalendarYear.objects.get()),
                       (TransferKind, TransferKind.objects.first()), (ChaserRun, ChaserRun.objects.get()),
                       (Reminder, Reminder.objects.get()), (Notification, Notification.objects.first())):
        name = model._meta.model_name
        assert_chinese(admin.get(reverse(f"admin:referrals_{name}_changelist")))
        assert_chinese(admin.get(reverse(f"admin:referrals_{name}_change", args=[obj.pk])))
    # The deadline and the link's validity are the only fields of a form an administrator edits.
    page = admin.get(reverse("admin:referrals_transferform_change", args=[form.pk])).content.decode()
    assert 'name="due_on"' in page and 'name="link_expires_at_0"' in page and 'name="request_text"' not in page


def test_the_tracking_list_exports_dates_as_real_dates_in_beijing_time(world, client_for):
    import io

    import openpyxl

    # Issued at 01:30 Beijing time: still the day before in UTC.
    form = issue(world, to="department", now=at(dt.date(2026, 3, 10), hour=1, minute=30))
    response = client_for(world.users[Role.DISTRICT_STAFF]).get(
        reverse("referrals:transferform_tracking") + "?export=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                           if response.streaming else response.content)).active
    header = [c.value for c in ws[2]]
    row = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == form.number)
    issued = row[header.index("转办日期")]
    assert isinstance(issued, dt.datetime)
    assert (issued.date(), issued.hour, issued.minute) == (dt.date(2026, 3, 10), 1, 30)
    assert isinstance(row[header.index("反馈期限")], dt.datetime)  # the due date, a date cell
