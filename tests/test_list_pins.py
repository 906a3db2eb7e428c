"""The exact queries of the last five list pages not pinned elsewhere (issue 18): the audit log, the monthly
reports, the feed deliveries' deadlines, the 包村/包户 assignments — each at 25 and 100 rows a page over 120 rows,
so a query per row (a missing ``select_related``) or a count done twice fails with the whole list."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from tests.queries import assert_list_queries, list_page

pytestmark = pytest.mark.django_db

ROWS = 120

AUDIT_LOG_QUERIES = [
    *list_page("common_auditevent", audited=False)[:3],
    # Opening the trail is itself recorded, before the trail is counted (so the count includes this look).
    ("INSERT common_auditevent", "the audit record of opening the audit log"),
    ("COUNT common_auditevent", "the paginator's count of the district's events (region code prefix)"),
    ("COUNT referrals_notification", "the menu's badge: the user's unread notifications"),
    ("SELECT common_auditevent", "the page of events (one query whatever the page size; no join: names are copied)"),
]
MONTHLY_LIST_QUERIES = [
    *list_page("ledgers_monthlyreport", audited=False),  # counts, no one's personal data
    ("SELECT ledgers_monthlyreport", "the page of reports with their township and submitter, joined"),
]
FEED_DEADLINE_QUERIES = [
    *list_page("intake_feeddeadline", audited=False),  # departments' deliveries, no personal data
    ("SELECT accounts_department", "the filter's choices of departments"),
    ("SELECT intake_feed", "the filter's choices of data feeds"),
    ("SELECT intake_feeddeadline", "the page of deadlines with their feed and department, joined"),
]
CADRE_LIST_QUERIES = [
    ("SELECT django_session", "the session (django.contrib.sessions)"),
    ("SELECT accounts_user", "the logged-in user with their region, which scopes the queryset (DECISIONS 1522)"),
    ("SELECT auth_permission", "the user's own and their groups' permissions, one UNION (permission_required)"),
    ("COUNT cases_cadreassignment", "the paginator's count of the scoped, filtered assignments"),
    ("COUNT accounts_region", "the villages of the area without a current 包村 cadre (the warning badge)"),
    ("INSERT common_auditevent", "the audit record: cadres' names and phones are personal data"),
    ("COUNT referrals_notification", "the menu's badge: the user's unread notifications"),
    ("SELECT accounts_region", "the assign form's villages of the user's area"),
    ("SELECT accounts_user", "the assign form's user accounts a cadre may be linked to"),
    ("SELECT cases_cadreassignment", "the page of assignments with village, household head and account, joined"),
]


def test_the_audit_log(world, client_for):
    from common.models import AuditEvent

    staff = world.users[Role.DISTRICT_STAFF]
    AuditEvent.objects.bulk_create(
        AuditEvent(user=staff, username=staff.username, role=staff.role, region_code=world.district.code,
                   action="view", object_type="cases.Person", object_id=str(i), object_repr=f"人员{i}",
                   path=f"/registry/people/{i}/", ip_address="10.0.0.1") for i in range(ROWS))
    assert_list_queries(client_for(staff), reverse("common:audit_log"), AUDIT_LOG_QUERIES, min_rows=100)


def test_the_monthly_reports(world, client_for):
    from ledgers.models import MonthlyReport

    months = [dt.date(2021 + i // 12, i % 12 + 1, 1) for i in range(ROWS // 2)]
    MonthlyReport.objects.bulk_create(
        MonthlyReport(township=township, month=month, due_on=month + dt.timedelta(days=40))
        for township in (world.township_a, world.township_b) for month in months)
    assert_list_queries(client_for(world.users[Role.DISTRICT_STAFF]), reverse("ledgers:monthly_list"),
                        MONTHLY_LIST_QUERIES, min_rows=100)


def test_the_feed_deadlines(world, client_for):
    from intake.models import FeedDeadline
    from tests.intake.feed_factories import install_feeds

    feeds = list(install_feeds(world).values())[:4]
    start = dt.date(2024, 1, 1)
    FeedDeadline.objects.bulk_create(
        FeedDeadline(feed=feed, period_start=start + dt.timedelta(days=7 * i), period_end=start + dt.timedelta(days=7 * i + 6),
                     due_on=start + dt.timedelta(days=7 * i + 10),
                     delivered_at=timezone.now() if i % 3 else None)
        for feed in feeds for i in range(ROWS // len(feeds)))
    assert_list_queries(client_for(world.users[Role.DISTRICT_STAFF]), reverse("ledgers:feed_deadline_list"),
                        FEED_DEADLINE_QUERIES, min_rows=100)


def test_the_cadre_assignments(world, client_for):
    from cases.models import CadreAssignment

    CadreAssignment.objects.bulk_create(
        CadreAssignment(kind=CadreAssignment.Kind.VILLAGE, village=village, cadre_name=f"干部{i}",
                        since=dt.date(2026, 1, 1) + dt.timedelta(days=i))
        for i in range(ROWS // 2) for village in (world.village_a1, world.village_a2))
    assert_list_queries(client_for(world.users[Role.DISTRICT_STAFF]), reverse("cases:cadre_assignment_list"),
                        CADRE_LIST_QUERIES, min_rows=100)
