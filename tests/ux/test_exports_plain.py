"""Issue 16.1: every list export holds plain values (是/否, names joined with 、), never markup."""
import io
import re

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from django.utils import timezone

from accounts.choices import Role
from cases import services
from cases.choices import OutcomeKind, ReferralKind
from cases.models import Person, ReliefKind, VulnerabilityTag
from common.exports import export_job_run
from common.models import ExportJob
from common.views import ObjectListView
from intake.roster import services as roster
from tests.cases.factories import assessed, caseworker, closed, reported
from tests.intake.roster_factories import add_entry

MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z]")
ROLES = [Role.DISTRICT_STAFF, Role.TOWNSHIP_CASEWORKER, Role.DEPARTMENT_LIAISON, Role.ADMINISTRATOR,
         Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_HEAD, Role.DISTRICT_HEAD]


def list_urls():
    """(url name, view class) of every list page without URL arguments."""
    found = []

    def walk(patterns, ns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns)
            elif isinstance(p, URLPattern):
                cls = getattr(p.callback, "view_class", None)
                if cls and issubclass(cls, ObjectListView) and p.name and not p.pattern.regex.groupindex:
                    found.append((f"{ns}{p.name}", cls))

    walk(get_resolver().url_patterns, "")
    return found


def cells(content: bytes):
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[c.value for c in r] for r in ws.iter_rows(min_row=2)]


@pytest.fixture
def full_world(world):
    a1 = closed(world, "a1", urgent=True)
    a1.suspected_relief.set(ReliefKind.objects.all()[:2])
    a2 = assessed(world, "a2")
    services.outcome_record(lead=a2, user=caseworker(world), kind=OutcomeKind.REFERRAL,
                            referral_kind=ReferralKind.MEDICAL, department=world.medical)
    reported(world, "b1")
    person = world.people["a1"]
    person.tags.set(VulnerabilityTag.objects.all()[:2])
    entry = add_entry(world.users[Role.TOWNSHIP_CASEWORKER], person)
    roster.visit_log(user=world.users[Role.VILLAGE_ASSISTANT], entry=entry, visited_on=timezone.localdate(),
                     mode="home", met_in_person=True, findings="生活正常")
    return world


def test_every_list_export_holds_plain_values(client_for, full_world):
    world = full_world
    urls = list_urls()
    assert len(urls) >= 15, urls
    exported = []
    for name, _cls in urls:
        for role in ROLES:
            client = client_for(world.users[role])
            response = client.get(reverse(name), {"export": "xlsx"})
            if response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml"):
                rows = cells(b"".join(response.streaming_content))
                for row in rows:
                    for value in row:
                        assert not (isinstance(value, str) and MARKUP.search(value)), (name, role, value)
                exported.append((name, len(rows)))
                break
    assert {n for n, _ in exported} == {n for n, _ in urls}, exported
    assert sum(n for _, n in exported) > 30


def test_lead_export_says_yes_no_and_joins_lists(client_for, full_world):
    response = client_for(full_world.users[Role.DISTRICT_STAFF]).get(reverse("cases:lead_list"), {"export": "xlsx"})
    rows = cells(b"".join(response.streaming_content))
    header, body = rows[0], rows[1:]
    urgent = [r[header.index("急难")] for r in body]
    assert set(urgent) == {"是", "否"}
    relief = {r[header.index("疑似符合救助")] for r in body}
    assert any(v and "、" in v for v in relief), relief


def test_background_people_export_holds_plain_values(client_for, full_world, settings,
                                                     django_capture_on_commit_callbacks):
    settings.EXPORT_BACKGROUND_ROWS = 0
    client = client_for(full_world.users[Role.DISTRICT_STAFF])
    with django_capture_on_commit_callbacks(execute=False):
        response = client.get(reverse("cases:person_list"), {"export": "xlsx"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert export_job_run(job.pk) == "done"
    download = client.get(reverse("exports:job_download", args=[job.pk]))
    rows = cells(b"".join(download.streaming_content))
    header = rows[0]
    tags = [r[header.index("困难标签")] for r in rows[1:] if r[header.index("困难标签")]]
    assert tags and any("、" in t for t in tags), tags
    for row in rows:
        for value in row:
            assert not (isinstance(value, str) and MARKUP.search(value)), value
    assert Person.objects.count() >= 4
