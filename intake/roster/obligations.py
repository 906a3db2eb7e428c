"""The roster's dated duty, a kind of the obligation engine (referrals.obligations; docs/DEADLINES.md).

| kind | what is owed | due | source |
|---|---|---|---|
| ``roster_visit`` | a visit to a key-roster person | by cadence: monthly; weekly in a declared severe-weather period; daily when gravely ill | 001, 002 |

Roster visits are owed by the assigned assistant first (the reminder), then the township office too (the
written reminder), then the district centre hears of it (the escalation).
"""
from __future__ import annotations

from django.db.models import Max
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.assignments import households_for
from intake.models import RosterEntry
from referrals.obligations import Duty, ObligationKind, obligation_kinds
from referrals.services import district_centre, township_office


def _household_cadres(entries) -> dict:
    """The current 包户 cadres of the overdue entries' households (one query)."""
    return households_for(household_ids=entries.values("person__household_id"))


def roster_visit_duties(*, today, calendar, rule):
    offices: dict[int, list] = {}
    centres: dict[str, list] = {}
    entries = (RosterEntry.objects.filter(until__isnull=True, next_due_on__lt=today)
               .select_related("person", "person__village", "township", "assistant").order_by("next_due_on", "pk"))
    cadres = _household_cadres(entries)
    for entry in entries.iterator(chunk_size=500):
        township = entry.township
        if township.pk not in offices:
            offices[township.pk] = list(township_office(township=township))
        code = township.code[:6]
        if code not in centres:
            centres[code] = list(district_centre(district_code=code))
        assistant = entry.assistant if entry.assistant_id and entry.assistant.is_active else None
        person = entry.person
        # 包户 (issue 17 rule 3, decision 604): the household's cadre is named first; their account is told too when
        # the assignment links one; the assistant (or the township) still gets it — most cadres have no account.
        household_cadres = cadres.get(person.household_id, [])
        recipients = [assistant] if assistant else list(offices[township.pk])
        recipients += [c.cadre_user for c in household_cadres
                       if c.cadre_user_id and c.cadre_user.is_active and c.cadre_user not in recipients]
        addressed = assistant.display_name if assistant else township.name
        body_cadres = ""
        if household_cadres:
            names = "、".join(c.cadre_name for c in household_cadres)
            addressed = _("%(cadres)s (包户) · %(assistant)s") % {"cadres": names, "assistant": addressed}
            body_cadres = " " + _("Household cadre (包户): %(cadres)s.") % {"cadres": "、".join(
                f"{c.cadre_name} {c.phone}".strip() for c in household_cadres)}
        yield Duty(
            subject=entry, due_on=entry.next_due_on, region=person.village,
            recipient_name=addressed[:64],
            recipients=recipients,
            written_to=offices[township.pk], escalate_to=centres[code],
            url=reverse("intake:roster_detail", args=[entry.pk]),
            title=_("Roster visit overdue: %(name)s, %(village)s (due %(due)s)") % {
                "name": person.name, "village": person.village.name, "due": f"{entry.next_due_on:%Y-%m-%d}"},
            body=_("Seeds 001 and 002: key-roster households are visited monthly, weekly in severe weather and daily "
                   "when gravely ill. Visit %(cadence)s; record the visit on the roster page.") % {
                "cadence": entry.get_cadence_display()} + body_cadres)


def visited_on(pks) -> dict:
    """The last visit of each entry that left the open list (or the day it left the roster)."""
    return dict(RosterEntry.objects.filter(pk__in=pks).annotate(day=Coalesce(Max("visits__visited_on"), "until"))
                .values_list("pk", "day"))


def register() -> None:
    obligation_kinds.register(ObligationKind(
        code="roster_visit", order=45, label=gettext_lazy("Key-roster visits"),
        source=gettext_lazy("Seed 001: 每月至少走访一次; seed 002: 恶劣天气每周…病重或生活不能自理的每天走访"),
        default_limit=0, limit_help=gettext_lazy("Each entry's cadence sets its due date (monthly, weekly, daily); this "
                                          "number is not used."),
        duties=roster_visit_duties, open_items=lambda: RosterEntry.objects.filter(until__isnull=True),
        region_field="village", met_on=visited_on,
        due_field="next_due_on", township_field="township", list_url="intake:roster_list"))
