"""Requests that ask for too much or for nonsense get a bounded, Chinese answer, never a 500 (issue 20)."""
import pytest
from django.urls import reverse

from accounts.choices import Role
from common.models import AuditEvent
from tests.factories import PersonFactory


def _rows(html: str) -> int:
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr")


def test_per_page_is_capped_at_100_on_every_list(client_for, world):
    PersonFactory.create_batch(105, village=world.village_a1)
    client = client_for(world.users[Role.DISTRICT_STAFF])
    response = client.get(reverse("cases:person_list"), {"per_page": 6000})
    assert response.status_code == 200
    assert _rows(response.content.decode()) == 100
    # the audit log (read by the list above, so it holds rows) is a list like the others
    for _ in range(101):
        client.get(reverse("cases:person_list"))
    response = client.get(reverse("common:audit_log"), {"per_page": 1000000})
    assert response.status_code == 200
    assert AuditEvent.objects.count() > 100
    assert _rows(response.content.decode()) == 100


@pytest.mark.parametrize("query", [{"max_age": "100000"}, {"min_age": "-100000"}, {"max_age": "1e20"},
                                   {"min_age": "1e20"}, {"max_age": "NaN"}, {"min_age": "5.5"}])
def test_absurd_age_filters_are_a_form_error_not_a_server_error(client_for, world, query):
    client = client_for(world.users[Role.DISTRICT_STAFF])
    response = client.get(reverse("cases:person_list"), query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "text-danger small" in html  # the field's error, in Chinese


def test_a_sensible_age_filter_still_works(client_for, world):
    client = client_for(world.users[Role.DISTRICT_STAFF])
    html = client.get(reverse("cases:person_list"), {"min_age": 18, "max_age": 120}).content.decode()
    assert "张一" in html


@pytest.mark.parametrize("year", ["1e20", "-5", "99999999999"])
def test_the_monthly_reports_year_filter_refuses_nonsense(client_for, world, year):
    client = client_for(world.users[Role.DISTRICT_STAFF])
    assert client.get(reverse("ledgers:monthly_list"), {"year": year}).status_code == 200
