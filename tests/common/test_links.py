"""``reverse_pk`` gives the string ``reverse`` gives (DECISIONS 1421)."""
from __future__ import annotations

import pytest
from django.urls import reverse, set_script_prefix

from common.links import reverse_pk

NAMES = ["cases:person_detail", "cases:lead_detail", "cases:follow_up_record", "cases:spot_check_record",
         "referrals:transferform_detail", "referrals:reminder_print", "referrals:notification_open",
         "intake:feed_batch_detail", "intake:roster_detail", "intake:visit_create", "intake:campaign_target_visit",
         "ledgers:monthly_detail"]


@pytest.mark.parametrize("name", NAMES)
def test_the_same_url_as_reverse(name):
    for pk in (0, 1, 7, 2147483646, 2147483647, 10**12):
        assert reverse_pk(name, pk) == reverse(name, args=[pk])


def test_under_another_script_prefix_and_for_what_is_not_a_whole_number():
    try:
        set_script_prefix("/jiuzhu/")
        assert reverse_pk("cases:lead_detail", 12) == reverse("cases:lead_detail", args=[12]) == "/jiuzhu/registry/leads/12/"
    finally:
        set_script_prefix("/")
    assert reverse_pk("cases:lead_detail", "12") == reverse("cases:lead_detail", args=["12"])
    assert reverse_pk("cases:lead_detail", 12) == "/registry/leads/12/"
