"""A small known world for the monthly report and the assessment: March 2026 in township A (域城镇) and B.

Everything is made through the real services with the clock moved (time-machine), and counted by hand:

township A, leads
  L1 a1  reported Mon 03-02 (走访发现, 入户走访; 城乡低保 + 临时救助), accepted 03-02, assessed Thu 03-05
         (3 working days: 03, 04, 05), temporary relief done 03-05, closed 03-06 → 新增救助群众
  L2 a2  reported Mon 03-09 (工作发现, 热线; 临时救助), accepted 03-09, assessed Mon 03-16
         (5 working days: 10, 11, 12, 13, 16), 列入救助观察 done 03-16, closed 03-17 → 救助观察群众
  L3 p3  reported Thu 02-26 (February: not a March lead), accepted 03-02, assessed Wed 03-04
         (5 working days: 02-27, Saturday 02-28 — a make-up working day after the Spring Festival —,
         03-02, 03-03, 03-04); still in progress
  L4 p4  reported Fri 03-20, rejected 03-20
  L5 p5  reported Wed 04-01 (April: not counted)
  → leads 3 (L1, L2, L4), visit 1 / work 2… see EXPECTED_A; median working days of (3, 5, 5) = 5

township A, transfer forms
  F1 district → A on L1, issued Mon 03-02, due 03-09, answered Thu 03-12 (late)
  F2 district → A on L2, issued Fri 03-20, due 03-27, never answered (overdue at the end of March)
  F3 district → A on L3, issued Mon 03-30, due 04-07 (not overdue in March)
  F4 A → 卫健 on L1, issued Tue 03-03, due 03-10, never answered (sent, overdue at the end of March)
  chased on 03-10, 11, 12 (before F1's answer), 13, 17, 30, 31:
  F1 reminder 03-10, written reminder 03-12; F4 reminder 03-11, written 03-13, escalation 03-17;
  F2 reminder 03-30 → written reminders 2, escalations 1 for township A in March

township A, roster
  E1 a1 since 01-10, visited 03-05 and 03-25; E2 a2 since 03-15, not visited; E3 p3 01-05 → 02-20 (off)
  → on the roster 2, visited 1, visits 2

township B
  B1 b1  reported Tue 03-10 (信息推送发现, 部门数据, 急难), not accepted
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import time_machine

from accounts.choices import Role
from cases import services as cases
from cases.choices import OutcomeKind
from cases.models import Lead, ReliefKind
from intake.roster import services as roster
from referrals.services import transfer_form_answer, transfer_form_issue, transfer_forms_chase
from tests.cases.factories import COMPLETE
from tests.factories import PersonFactory
from tests.referrals.factories import at

D = dt.date
MARCH = D(2026, 3, 1)

EXPECTED_A = {
    "leads": 3, "leads_urgent": 0, "leads_late": 0,
    "method.visit": 1, "method.work": 2, "method.data_push": 0,
    "channel.home_visit": 1, "channel.hotline": 1, "channel.service_hall": 1, "channel.department_data": 0,
    "relief.dibao": 1, "relief.temporary": 2, "relief.medical": 0,
    "accepted": 3, "rejected": 1, "assessed": 3, "closed": 2, "median_workdays": 5,
    "outcome.temporary": 1, "outcome.observation": 1, "outcome.dibao": 0,
    "archive.newly_assisted": 1, "archive.observation": 1, "archive.not_assisted": 0,
    "transfers_received": 3, "transfers_answered": 1, "transfers_answered_late": 1, "transfers_overdue": 1,
    "transfers_sent": 1, "transfers_sent_overdue": 1, "written_reminders": 2, "escalations": 1,
    "roster_due": 2, "roster_visited": 1, "visits": 2,
}
EXPECTED_B = {
    "leads": 1, "leads_urgent": 1, "method.data_push": 1, "channel.department_data": 1, "accepted": 0,
    "median_workdays": None, "transfers_received": 0, "roster_due": 0,
}


@dataclass
class March:
    world: object
    leads: dict = field(default_factory=dict)
    forms: dict = field(default_factory=dict)


def _on(day: dt.date, hour: int = 9):
    return time_machine.travel(at(day, hour), tick=False)


def _relief(*codes: str):
    return list(ReliefKind.objects.filter(code__in=codes))


def _report(person, day, *, method="visit", channel="home_visit", by=None, relief=(), urgent=False) -> Lead:
    with _on(day):
        lead, _merged = cases.lead_report(person=person, method=method, channel=channel, discovered_on=day, by=by,
                                          reporter_name="" if by else "测试协理员", description="家庭困难",
                                          suspected_relief=_relief(*relief), is_urgent=urgent)
    return lead


def _assess(lead: Lead, user, *, accepted_on: dt.date, assessed_on: dt.date) -> Lead:
    with _on(accepted_on):
        cases.lead_accept(lead=lead, user=user)
    with _on(assessed_on, 10):
        cases.lead_investigation_start(lead=Lead.objects.get(pk=lead.pk), user=user)
        cases.investigation_save(lead=Lead.objects.get(pk=lead.pk), user=user,
                                 data={"visited_on": assessed_on, **COMPLETE})
        cases.lead_assess(lead=Lead.objects.get(pk=lead.pk), user=user)
    return Lead.objects.get(pk=lead.pk)


def build_march(world) -> March:
    m = March(world=world)
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    staff = world.users[Role.DISTRICT_STAFF]
    a1, a2, b1 = world.people["a1"], world.people["a2"], world.people["b1"]
    p3 = PersonFactory(village=world.village_a1, name="孙三")
    p4 = PersonFactory(village=world.village_a2, name="周四")
    p5 = PersonFactory(village=world.village_a1, name="吴五")

    # Roster (before the leads: the entries' dates are their own).
    with _on(D(2026, 1, 5)):
        e3 = roster.roster_entry_add(user=caseworker, person=p3, category="other", reason="独居", since=D(2026, 1, 5))
    with _on(D(2026, 1, 10)):
        e1 = roster.roster_entry_add(user=caseworker, person=a1, category="tekun", reason="特困", since=D(2026, 1, 10))
    with _on(D(2026, 2, 20)):
        roster.roster_entry_end(user=caseworker, entry=e3, until=D(2026, 2, 20), reason="迁出本村")
    with _on(D(2026, 3, 15)):
        roster.roster_entry_add(user=caseworker, person=a2, category="other", reason="重病", since=D(2026, 3, 15))
    for day in (D(2026, 3, 5), D(2026, 3, 25)):
        with _on(day, 15):
            roster.visit_log(user=caseworker, entry=e1, visited_on=day, mode="home", met_in_person=True,
                             findings="情况稳定")

    # Leads.
    m.leads["L3"] = _report(p3, D(2026, 2, 26), relief=("dibao",))
    m.leads["L1"] = _report(a1, D(2026, 3, 2), relief=("dibao", "temporary"))
    m.leads["L2"] = _report(a2, D(2026, 3, 9), method="work", channel="hotline", by=caseworker, relief=("temporary",))
    m.leads["L4"] = _report(p4, D(2026, 3, 20), method="work", channel="service_hall", by=caseworker)
    m.leads["B1"] = _report(b1, D(2026, 3, 10), method="data_push", channel="department_data", urgent=True)

    m.leads["L1"] = _assess(m.leads["L1"], caseworker, accepted_on=D(2026, 3, 2), assessed_on=D(2026, 3, 5))
    with _on(D(2026, 3, 5), 16):
        cases.outcome_record(lead=m.leads["L1"], user=caseworker, kind=OutcomeKind.TEMPORARY, amount=Decimal("2000"))
    with _on(D(2026, 3, 6)):
        cases.lead_close(lead=Lead.objects.get(pk=m.leads["L1"].pk), user=caseworker)

    m.leads["L2"] = _assess(m.leads["L2"], caseworker, accepted_on=D(2026, 3, 9), assessed_on=D(2026, 3, 16))
    with _on(D(2026, 3, 16), 16):
        cases.outcome_record(lead=m.leads["L2"], user=caseworker, kind=OutcomeKind.OBSERVATION)
    with _on(D(2026, 3, 17)):
        cases.lead_close(lead=Lead.objects.get(pk=m.leads["L2"].pk), user=caseworker)

    m.leads["L3"] = _assess(m.leads["L3"], caseworker, accepted_on=D(2026, 3, 2), assessed_on=D(2026, 3, 4))

    with _on(D(2026, 3, 20), 11):
        cases.lead_reject(lead=m.leads["L4"], user=caseworker, reason="经核实家庭收入稳定")

    # Transfer forms and the chaser.
    def issue(key, lead, when, **target):
        m.forms[key] = transfer_form_issue(lead=lead, kind="investigate", request_text="请核实", now=at(when), **target)

    issue("F1", m.leads["L1"], D(2026, 3, 2), by=staff, to_region=world.township_a)
    issue("F4", m.leads["L1"], D(2026, 3, 3), by=caseworker, to_department=world.health)
    issue("F2", m.leads["L2"], D(2026, 3, 20), by=staff, to_region=world.township_a)
    issue("F3", m.leads["L3"], D(2026, 3, 30), by=staff, to_region=world.township_a)
    for day in (D(2026, 3, 10), D(2026, 3, 11), D(2026, 3, 12)):
        transfer_forms_chase(today=day)
    transfer_form_answer(form=m.forms["F1"], by=caseworker, answer_text="已入户核实", result="relief_given",
                         now=at(D(2026, 3, 12), 15))
    for day in (D(2026, 3, 13), D(2026, 3, 17), D(2026, 3, 30), D(2026, 3, 31)):
        transfer_forms_chase(today=day)

    m.leads["L5"] = _report(p5, D(2026, 4, 1))
    return m
