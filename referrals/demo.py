"""Demo transfer forms for ``seed_demo``: every state, some overdue and chased.

    from referrals.demo import demo_transfer_forms
    demo_transfer_forms(leads=some_open_leads, today=today)

Called by the cases app's demo with leads it made (referrals does not import cases).
"""
from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Department, Region, User

from . import services, subjects
from .workdays import WorkCalendar

REQUESTS = [
    "请入户核实该户家庭收入和支出情况，符合条件的及时纳入救助，并反馈调查处理情况。",
    "群众反映该户因病致贫，请核实住院自付费用，符合条件的给予医疗救助。",
    "请核实该户子女就学情况，符合条件的落实教育救助。",
    "该户房屋受损，请核实后按规定给予住房救助。",
]
ANSWERS = [
    ("relief_given", "已入户核实，家庭人均收入低于低保标准，已按程序纳入低保。"),
    ("in_process", "已受理，正在组织入户调查和家庭经济状况核对。"),
    ("not_eligible", "经核实家庭收入超过标准，不符合救助条件，已向本人解释政策。"),
    ("relief_given", "已给予临时救助 2000 元，后续纳入低收入人口动态监测。"),
]


@transaction.atomic
def demo_transfer_forms(*, leads, today: dt.date | None = None, seed: int = 1) -> int:
    """Issue forms for ``leads`` over the last weeks, answer and close some, and chase the overdue ones."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    tz = ZoneInfo("Asia/Shanghai")
    calendar = WorkCalendar()
    leads = list(leads)
    if not leads:
        return 0
    district_code = Region.objects.get(pk=subjects.township_id(leads[0])).district_code
    staff = User.objects.filter(role=Role.DISTRICT_STAFF, region__code=f"{district_code}000000",
                                is_active=True).first()
    if staff is None:
        return 0
    departments = list(Department.objects.filter(district__code=f"{district_code}000000", is_active=True))
    made = 0
    for i, lead in enumerate(leads):
        back = rng.randint(0, 25)
        issued_on = calendar.add_working_days(today - dt.timedelta(days=back + 3), 1)
        if issued_on > today:
            issued_on = today
        now = min(dt.datetime.combine(issued_on, dt.time(9, rng.randint(0, 59)), tzinfo=tz),
                  timezone.now() - dt.timedelta(hours=4))  # never in the future (receipt comes 3 hours later)
        to_department = departments[i % len(departments)] if departments and i % 3 == 0 else None
        township = Region.objects.get(pk=subjects.township_id(lead))
        form = services.transfer_form_issue(
            lead=lead, by=staff, to_region=None if to_department else township, to_department=to_department,
            kind="special_relief" if to_department else "investigate", request_text=rng.choice(REQUESTS), now=now)
        made += 1
        recipient = (User.objects.filter(department=to_department, role=Role.DEPARTMENT_LIAISON).first()
                     if to_department else services.township_office(township=township).first())
        fate = i % 5
        if recipient is not None and fate in (1, 2, 3):
            services.transfer_form_receive(form=form, by=recipient, now=now + dt.timedelta(hours=3))
        if recipient is not None and fate in (2, 3):
            result, text = rng.choice(ANSWERS)
            answered = min(timezone.now(), now + dt.timedelta(days=rng.randint(1, 6)))
            services.transfer_form_answer(form=form, by=recipient, answer_text=text, result=result, now=answered)
        if fate == 3 and recipient is not None:
            services.transfer_form_close(form=form, by=staff, now=timezone.now())
    return made  # chased with everything else at the end of seed_demo (cases.demo.demo_deadlines)
