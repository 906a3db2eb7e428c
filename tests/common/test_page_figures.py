"""Filter choices and home-page counts kept for a short time: still scoped, still working, Redis optional."""
import re

from django.urls import reverse

from accounts.choices import Role
from common.cache import forget_figures, remember
from cases.widgets import registry_summary
from tests.cases.factories import reported
from tests.factories import PersonFactory


def _options(html: str, name: str) -> set[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return set(re.findall(r'<option value="([^"]*)"', select)) - {""}


def _villages_offered(client, html: str, world) -> set[str]:
    """The village choices the lead list offers: its select's options, or — a long list is a search box whose
    options come from ``accounts:village_options`` (issue 15) — what searching each test village's name finds."""
    if 'data-testid="region-search"' not in html:
        return _options(html, "village")
    found = set()
    for village in (world.village_a1, world.village_a2, world.village_b1, world.other_district_village):
        options = client.get(reverse("accounts:village_options"), {"q": village.name}).content.decode()
        found |= set(re.findall(r'<option value="([^"]*)"', options)) - {""}
    return found


def test_the_village_filter_offers_only_the_users_villages_each_time(client_for, world):
    district_villages = {str(world.village_a1.pk), str(world.village_a2.pk), str(world.village_b1.pk)}
    for _ in range(2):  # the second time from the cache
        client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
        villages = _villages_offered(client, client.get(reverse("cases:lead_list")).content.decode(), world)
        assert {str(world.village_a1.pk), str(world.village_a2.pk)} <= villages
        assert str(world.village_b1.pk) not in villages
        assert str(world.other_district_village.pk) not in villages
    client = client_for(world.users[Role.DISTRICT_STAFF])
    villages = _villages_offered(client, client.get(reverse("cases:lead_list")).content.decode(), world)
    assert district_villages <= villages
    assert str(world.other_district_village.pk) not in villages


def test_filtering_by_village_still_works_and_keeps_the_choice(client_for, world):
    a1, a2 = reported(world, "a1"), reported(world, "a2")
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    html = client.get(reverse("cases:lead_list"), {"village": world.village_a2.pk}).content.decode()
    assert a2.number in html and a1.number not in html
    assert f'<option value="{world.village_a2.pk}" selected>{world.village_a2.name}</option>' in html
    # Another township's village is not a valid choice (validation uses the scoped queryset, not the kept list).
    html = client.get(reverse("cases:lead_list"), {"village": world.village_b1.pk}).content.decode()
    assert "选择一个有效的选项" in html


def test_home_counts_are_kept_a_minute_per_scope(rf, world):
    def people_seen_by(user):
        request = rf.get("/")
        request.user = user
        return registry_summary(request)["counts"]["people"]

    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    assert people_seen_by(caseworker) == 2  # 张一 and 李二 of township A
    PersonFactory(village=world.village_a1)
    assert people_seen_by(caseworker) == 2  # kept…
    assert people_seen_by(world.users["caseworker_b"]) == 1  # …per scope: township B counts its own
    assert people_seen_by(world.users[Role.VILLAGE_ASSISTANT]) == 2  # village A1 (张一 and the new one)
    forget_figures()
    assert people_seen_by(caseworker) == 3  # recomputed


def test_remember_computes_when_the_cache_is_down(settings):
    settings.CACHES = {"default": {"BACKEND": "common.cache.ForgivingRedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    from django.core.cache import caches

    caches._settings = None  # noqa: SLF001 - let the cache handler see the new setting
    try:
        calls = []
        assert remember("test", ("a",), lambda: calls.append(1) or 42) == 42
        assert remember("test", ("a",), lambda: calls.append(1) or 42) == 42
        assert len(calls) == 2
    finally:
        caches._settings = None  # noqa: SLF001
