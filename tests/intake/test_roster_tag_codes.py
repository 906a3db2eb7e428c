"""The roster's tag codes read in one plain statement (DECISIONS 1580), on PostgreSQL and SQLite alike."""
from __future__ import annotations

import pytest

from intake.roster import selectors as roster_selectors
from tests.factories import PersonFactory
from tests.intake.roster_factories import tag

pytestmark = [pytest.mark.portable, pytest.mark.django_db]


def test_every_person_gets_the_codes_of_their_own_tags(django_assert_num_queries, world):
    tagged = PersonFactory(village=world.village_a1)
    for code in ("seriously_ill", "dispersed_support", "elderly_alone"):
        tag(tagged, code)
    one = PersonFactory(village=world.village_a1)
    tag(one, "child_in_difficulty")
    untagged = PersonFactory(village=world.village_a1)
    with django_assert_num_queries(1):
        codes = roster_selectors.tag_codes_by_person([tagged.pk, one.pk, untagged.pk])
    assert {pk: sorted(found) for pk, found in codes.items()} == {
        person.pk: sorted(t.code for t in person.tags.all()) for person in (tagged, one, untagged)}
    assert codes[untagged.pk] == []
    with django_assert_num_queries(0):
        assert roster_selectors.tag_codes_by_person([]) == {}
