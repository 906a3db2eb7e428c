"""Issue 20 (1, 2): a department's delivery stays in its district, and the department learns only what its duty
needs — counts and its own refused rows, not who is registered, where, with which lead or relief."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.choices import Role
from cases.choices import AssistanceStatus
from cases.models import Lead, Person
from intake.feeds.choices import BatchSource, RowOutcome
from intake.feeds.services import batch_import_now, batch_receive
from intake.models import FeedRejectedRow, FeedRow
from tests.factories import PersonFactory, valid_id

from .feed_factories import (  # noqa: F401 - both_paths is a fixture
    bad_check_digit, both_paths, install_feeds, person, xlsx_bytes,
)

NOV_3 = "2026-11-03 10:00 +0800"
HEADER = ["序号", "姓名", "身份证号", "结算日期", "个人负担", "家庭住址"]
OCT = {"period_start": dt.date(2026, 10, 1), "period_end": dt.date(2026, 10, 31)}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def deliver(feed, rows, **kwargs):
    return batch_import_now(batch=batch_receive(feed=feed, user=None, filename="医保.xlsx", source=BatchSource.COMMAND,
                                                data=xlsx_bytes(HEADER, rows), **OCT, **kwargs))


@time_machine.travel(NOV_3, tick=False)
def test_a_row_for_someone_registered_in_another_district_is_transferred_never_a_lead_there(world, both_paths):
    feed = install_feeds(world)["medical_inpatient"]
    a1 = world.people["a1"]
    qianjiang = world.people["other"]  # registered in 黔江区 (500114)
    moved = PersonFactory(village=world.other_district_village, name="钱搬走",  # a 博山区 ID, registered in 黔江区
                          id_number=valid_id(address="370304", birth=dt.date(1977, 7, 7)))
    batch = deliver(feed, [[1, "张一", a1.id_number, "2026-10-03", "30000", ""],
                           [2, "赵四", qianjiang.id_number, "2026-10-04", "30000", ""],
                           [3, "钱搬走", moved.id_number, "2026-10-05", "30000", "博山区域城镇南域城社区"]])
    assert (batch.rows_accepted, batch.leads_raised, batch.transfer_out, batch.people_created) == (3, 1, 2, 0)
    for someone in (qianjiang, moved):
        row = FeedRow.objects.get(batch=batch, id_number=someone.id_number)
        assert row.outcome == RowOutcome.TRANSFER_OUT and row.person is None and row.lead is None
        assert row.region == world.district  # on the delivering district's transfer list, nothing of 黔江区
        assert not Lead.objects.filter(person=someone).exists()
    assert Person.objects.filter(id_number=moved.id_number).count() == 1  # not registered a second time
    assert list(Lead.objects.values_list("number", flat=True)) == [Lead.objects.get(person=a1).number]
    assert Lead.objects.get(person=a1).number.startswith("370304-")


@time_machine.travel(NOV_3, tick=False)
def test_a_bogus_address_does_not_tell_a_department_who_is_registered(world, both_paths):
    """The probe of issue 20: rows with a bogus address, for a registered and an unregistered ID of the district.
    Before, only the unregistered one was refused ("不在人员库中"). Now both pass; the district centre places the
    unknown one (无法匹配), and nothing in the department's answer tells them apart."""
    feed = install_feeds(world)["medical_inpatient"]
    unknown = valid_id(birth=dt.date(1981, 3, 3))
    batch = deliver(feed, [[1, "张一", world.people["a1"].id_number, "2026-10-16", "800", "火星"],
                           [2, "无址", unknown, "2026-10-16", "800", "火星"]])
    assert (batch.rows_accepted, batch.rows_rejected) == (2, 0)
    assert not FeedRejectedRow.objects.filter(batch=batch).exists()
    assert FeedRow.objects.get(batch=batch, id_number=unknown).outcome == RowOutcome.UNMATCHED
    assert not Person.objects.filter(id_number=unknown).exists()


@time_machine.travel(NOV_3, tick=False)
def test_the_department_sees_counts_and_its_refused_rows_not_who_is_registered_or_on_dibao(
        world, users, client_for, both_paths):
    feed = install_feeds(world)["medical_inpatient"]
    feed.rules.filter(is_active=False).update(is_active=True)  # the tiered preset: "≥ 低保阈值 5,000.00 元"
    dibao = person(world, name="钱低保", assistance_status=AssistanceStatus.DIBAO)
    batch = deliver(feed, [[1, "钱低保", dibao.id_number, "2026-10-03", "6000", ""],
                           [2, "无址", valid_id(birth=dt.date(1981, 3, 3)), "2026-10-16", "800", ""],
                           [3, "错号", bad_check_digit(world.people["a2"].id_number), "2026-10-16", "800", ""]])
    lead = Lead.objects.get(person=dibao)
    assert batch.leads_raised == 1

    liaison = client_for(users[Role.DEPARTMENT_LIAISON])
    page = liaison.get(reverse("intake:feed_batch_detail", args=[batch.pk])).content.decode()
    assert 'data-count="rows"' in page and "校验码" in page  # counts and its own refused row, with its reason
    for secret in (lead.number, dibao.township.name, "低保", "钱低保", "无法匹配", 'data-count="leads_raised"',
                   'data-count="kept_on_file"', 'data-count="matched"', 'data-count="unmatched"'):
        assert secret not in page, secret
    # The district centre sees everything.
    staff = client_for(users[Role.DISTRICT_STAFF]).get(reverse("intake:feed_batch_detail", args=[batch.pk]))
    assert lead.number in staff.content.decode() and "无法匹配" in staff.content.decode()
