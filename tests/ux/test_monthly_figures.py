"""Issue 16.12: each figure of the monthly report carries its definition (which date it counts by) and opens the
records behind it; the records listed are exactly the figure."""
import re

import pytest
from django.urls import reverse

from accounts.choices import Role
from tests.ledgers.monthly_world import EXPECTED_A, MARCH, build_march
from tests.ledgers.test_monthly_report import draft


@pytest.fixture
def march(world):
    return build_march(world)


def test_every_figure_opens_exactly_the_records_behind_it(client_for, march):
    world = march.world
    report_a, _b = draft(world)
    client = client_for(world.users[Role.DISTRICT_STAFF])
    page = client.get(reverse("ledgers:monthly_detail", args=[report_a.pk])).content.decode()
    assert "按办结日期" in page and "按上报日期" in page  # the definitions say which date
    links = re.findall(r'href="(/ledgers/monthly/figure/\?[^"]+)"', page)
    assert len(links) >= len(EXPECTED_A)
    for key, expected in EXPECTED_A.items():
        if key == "median_workdays":
            continue
        listed = client.get(reverse("ledgers:monthly_figure"),
                            {"month": f"{MARCH:%Y-%m}", "township": world.township_a.pk, "key": key})
        assert listed.status_code == 200, key
        html = listed.content.decode()
        count = int(re.search(r'data-count="(\d+)"', html).group(1))
        assert count == expected, (key, count, expected)
        assert 'data-testid="figure-definition"' in html


def test_a_township_cannot_open_another_townships_figures(client_for, march):
    world = march.world
    draft(world)
    client = client_for(world.users["caseworker_b"])
    response = client.get(reverse("ledgers:monthly_figure"),
                          {"month": f"{MARCH:%Y-%m}", "township": world.township_a.pk, "key": "leads"})
    assert response.status_code == 404
