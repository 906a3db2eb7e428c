"""The dated duties of intake, as kinds of the obligation engine (referrals.obligations; docs/DEADLINES.md).

| kind | what is owed | due | source |
|---|---|---|---|
| ``roster_visit`` | a visit to a key-roster person | by cadence: monthly; weekly in a declared severe-weather period; daily when gravely ill | 001, 002 |
| ``feed_delivery`` | a department's delivery | weekly by Monday, monthly by the 5th, yearly by 31 December | 003 |

Roster visits are owed by the assigned assistant first (the reminder), then the township office too (the
written reminder), then the district centre hears of it (the escalation). Event feeds have no schedule:
their rows are flagged late when the event is more than the feed's working days before the delivery
(:func:`intake.feeds.deadlines.late_rows_flag`).
"""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals.obligations import Duty, ObligationKind, obligation_kinds
from referrals.services import department_liaisons, district_centre, township_office

from .models import FeedDeadline, RosterEntry


def _household_cadres(entries) -> dict:
    """The current 包户 cadres of the overdue entries' households (one query)."""
    from cases.assignments import households_for

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


def feed_delivery_duties(*, today, calendar, rule):
    from .feeds.deadlines import deadlines_ensure

    deadlines_ensure(today=today)
    liaisons: dict[int, list] = {}
    centres: dict[str, list] = {}
    missing = (FeedDeadline.objects.filter(delivered_at__isnull=True, due_on__lt=today, feed__is_active=True)
               .select_related("feed", "feed__department", "feed__district").order_by("due_on", "pk"))
    for deadline in missing:
        feed = deadline.feed
        department = feed.department
        if department.pk not in liaisons:
            liaisons[department.pk] = list(department_liaisons(department=department))
        code = feed.district.code[:6]
        if code not in centres:
            centres[code] = list(district_centre(district_code=code))
        yield Duty(
            subject=deadline, due_on=deadline.due_on, region=feed.district, department=department,
            recipient_name=department.name, recipients=liaisons[department.pk], escalate_to=centres[code],
            url=reverse("intake:feed_upload", args=[feed.pk]),
            title=_("%(department)s has not delivered %(feed)s for %(start)s to %(end)s (due %(due)s)") % {
                "department": department.short_name or department.name, "feed": feed.name,
                "start": deadline.period_start.isoformat(), "end": deadline.period_end.isoformat(),
                "due": deadline.due_on.isoformat()},
            body=_("Please deliver the data as a file on the upload page or through the API. Seed 003 sets "
                   "the cadence; a missing delivery is reported to the district centre."))


def visited_on(pks) -> dict:
    """The last visit of each entry that left the open list (or the day it left the roster)."""
    from django.db.models import Max
    from django.db.models.functions import Coalesce

    return dict(RosterEntry.objects.filter(pk__in=pks).annotate(day=Coalesce(Max("visits__visited_on"), "until"))
                .values_list("pk", "day"))


def delivered_on(pks) -> dict:
    from django.db.models.functions import TruncDate

    return dict(FeedDeadline.objects.filter(pk__in=pks).annotate(day=TruncDate("delivered_at"))
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
    obligation_kinds.register(ObligationKind(
        code="feed_delivery", order=70, label=gettext_lazy("Department data deliveries"),
        source=gettext_lazy("Seed 003: 每周一 / 每月5日前 / 每年12月底前报送; 突发事件3个工作日内"),
        default_limit=5, limit_help=gettext_lazy("Each feed's cadence and due day are set on the feed (admin: data "
                                          "feeds); this number is not used."),
        duties=feed_delivery_duties, open_items=lambda: FeedDeadline.objects.filter(delivered_at__isnull=True),
        region_field="feed__district", department_field="feed__department", met_on=delivered_on,
        township_field=None))
