"""The key-population roster (重点人群花名册), its visits and severe-weather periods.

The writes of the roster; its reads are ``intake.roster.selectors``. Views only call them.

Visit cadence (seeds 001 and 002, DESIGN §5):

* 特困 and 困境儿童: at least monthly;
* while the township has declared a severe-weather period, 特困 and 困境儿童 at
  least weekly (seed 002 names 分散供养特困人员和困境儿童; a person counts as such by
  the roster category, an assistance status of 特困 or the 困境儿童 tag);
* people recorded as gravely ill or unable to care for themselves (the roster
  category, or the person's 重病 / 失能 tags): daily;
* every other roster entry: at least monthly (seed 001: 每月不少于1次).

An entry stores its usual cadence (chosen when it is added, the rule's default
when left blank) and ``next_due_on``, recomputed whenever a visit is logged or
the township declares or ends a severe-weather period. The next visit is due one
cadence step after the last visit (after the day the person was put on the
roster when never visited); a severe-weather period shortens a monthly step to a
week, but never makes a visit due before the period starts.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import RegionLevel, Role
from accounts.models import Region, User
from accounts.scoping import can_see
from cases.choices import AssistanceStatus, Channel, DiscoveryMethod, SourceType
from cases.models import Person, ReliefKind
from cases.services import LeadError, lead_report
from intake.choices import Cadence, RosterCategory, VisitMode, VisitorKind
from intake.models import RosterEntry, SevereWeatherPeriod, Visit
from intake.screenings.models import CampaignTarget


class RosterError(Exception):
    """A roster, visit or severe-weather operation that cannot be done; the message is for the user, in Chinese."""


# --- the cadence rules ----------------------------------------------------------------------------
GRAVELY_ILL_TAGS = frozenset({"seriously_ill", "unable_to_self_care"})
# Seed 002 names 分散供养 特困 (living at home, not in a care home) for the weekly severe-weather visits.
DISPERSED_SUPPORT_TAG = "dispersed_support"
SEVERE_WEATHER_CATEGORIES = frozenset({RosterCategory.TEKUN, RosterCategory.CHILD_IN_DIFFICULTY})
# The more often, the smaller.
_FREQUENCY = {Cadence.DAILY: 0, Cadence.WEEKLY: 1, Cadence.MONTHLY: 2}
# Roles that keep the roster and log visits (department liaisons and district heads only read).
WRITER_ROLES = frozenset({Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD,
                          Role.DISTRICT_STAFF, Role.ADMINISTRATOR})


# Where a list's rows keep their person's tag codes (a plain list, read in one query for the page by
# ``selectors.tag_codes_by_person``, DECISIONS 1541, 1580).
PERSON_TAGS = "roster_tag_codes"


def _tag_codes(person: Person) -> set[str]:
    # Reads the kept codes when a list read them for its rows (no query per row).
    codes = getattr(person, PERSON_TAGS, None)
    return set(codes) if codes is not None else {tag.code for tag in person.tags.all()}


def is_gravely_ill(*, category: str, person: Person) -> bool:
    """Recorded as gravely ill or unable to care for themselves: daily visits (seed 002)."""
    return category == RosterCategory.GRAVELY_ILL or bool(_tag_codes(person) & GRAVELY_ILL_TAGS)


def severe_weather_applies(*, category: str, person: Person) -> bool:
    """分散供养 特困 and 困境儿童 are visited weekly while a severe-weather period lasts (seed 002: "特殊气象条件恶劣
    情况下，对分散供养特困人员和困境儿童走访每周不少于1次"): a 特困 person counts when tagged 分散供养."""
    tags = _tag_codes(person)
    if category == RosterCategory.CHILD_IN_DIFFICULTY or "child_in_difficulty" in tags:
        return True
    is_tekun = category == RosterCategory.TEKUN or person.assistance_status == AssistanceStatus.TEKUN
    return is_tekun and DISPERSED_SUPPORT_TAG in tags


def default_cadence(*, category: str, person: Person) -> str:
    """The cadence an entry gets when none is chosen: daily when gravely ill, otherwise monthly."""
    return Cadence.DAILY if is_gravely_ill(category=category, person=person) else Cadence.MONTHLY


def most_frequent(*cadences: str) -> str:
    return min(cadences, key=lambda c: _FREQUENCY[c])


def base_cadence(entry: RosterEntry) -> str:
    """The entry's cadence outside severe weather: its own, or daily if the person is now gravely ill."""
    if is_gravely_ill(category=entry.category, person=entry.person):
        return most_frequent(entry.cadence, Cadence.DAILY)
    return entry.cadence


def effective_cadence(entry: RosterEntry, *, severe_weather: bool) -> str:
    """The cadence that applies today; ``severe_weather`` says whether the township has a period on."""
    cadence = base_cadence(entry)
    if severe_weather and severe_weather_applies(category=entry.category, person=entry.person):
        cadence = most_frequent(cadence, Cadence.WEEKLY)
    return cadence


def cadence_step(cadence: str, anchor: dt.date) -> dt.date:
    if cadence == Cadence.DAILY:
        return anchor + dt.timedelta(days=1)
    if cadence == Cadence.WEEKLY:
        return anchor + dt.timedelta(days=7)
    return anchor + relativedelta(months=1)


def next_due_for(entry: RosterEntry, *, periods: Iterable[SevereWeatherPeriod]) -> dt.date | None:
    """When the entry's next visit is due, given its township's severe-weather periods."""
    if entry.until is not None:
        return None
    anchor = entry.last_visited_on or entry.since
    cadence = base_cadence(entry)
    due = cadence_step(cadence, anchor)
    if _FREQUENCY[cadence] > _FREQUENCY[Cadence.WEEKLY] and \
            severe_weather_applies(category=entry.category, person=entry.person):
        for period in periods:
            weekly = max(anchor + dt.timedelta(days=7), period.starts_on)
            if weekly <= period.ends_on and weekly < due:
                due = weekly
    return due


def _periods_of(township_id: int, *, after: dt.date | None = None) -> list[SevereWeatherPeriod]:
    periods = SevereWeatherPeriod.objects.filter(township_id=township_id)
    if after is not None:
        periods = periods.filter(ends_on__gt=after)
    return list(periods.order_by("starts_on"))


def roster_entry_recompute(*, entry: RosterEntry) -> RosterEntry:
    """Recompute ``next_due_on`` (call inside the transaction that changed what it depends on)."""
    periods = _periods_of(entry.township_id, after=entry.last_visited_on or entry.since)
    due = next_due_for(entry, periods=periods)
    if due != entry.next_due_on:
        entry.next_due_on = due
        RosterEntry.objects.filter(pk=entry.pk).update(next_due_on=due)
    return entry


def roster_recompute_township(*, township: Region) -> int:
    """Recompute every active entry of a township (after a severe-weather period changed). Returns changes."""
    periods = _periods_of(township.pk)
    entries = (RosterEntry.objects.filter(township=township, until__isnull=True)
               .select_related("person").prefetch_related("person__tags"))
    changed = []
    for entry in entries.iterator(chunk_size=2000):
        anchor = entry.last_visited_on or entry.since
        due = next_due_for(entry, periods=[p for p in periods if p.ends_on > anchor])
        if due != entry.next_due_on:
            entry.next_due_on = due
            changed.append(entry)
    RosterEntry.objects.bulk_update(changed, ["next_due_on"], batch_size=1000)
    return len(changed)


# --- checks ---------------------------------------------------------------------------------------
def _check_writer(user, permission: str) -> None:
    if user is None or not user.is_authenticated or not user.is_active:
        raise RosterError(_("Please log in first."))
    if not user.is_superuser and (user.role not in WRITER_ROLES or not user.has_perm(permission)):
        raise RosterError(_("Your role cannot change the key-population roster or log visits."))


def _check_date_not_future(day: dt.date, message: str) -> None:
    if day > timezone.localdate():
        raise RosterError(message)


def _assistant_for(*, user, person: Person, assistant: User | None) -> User | None:
    if assistant is not None:
        if assistant.role != Role.VILLAGE_ASSISTANT or not assistant.is_active \
                or assistant.region_id != person.village_id:
            raise RosterError(_("The assistant you chose does not look after %(village)s. Please choose "
                                "an assistant of that village or community.") % {"village": person.village.name})
        return assistant
    if user.role == Role.VILLAGE_ASSISTANT and user.region_id == person.village_id:
        return user
    village_assistants = list(User.objects.filter(role=Role.VILLAGE_ASSISTANT, is_active=True,
                                                  region_id=person.village_id)[:2])
    return village_assistants[0] if len(village_assistants) == 1 else None


# --- services: the roster -------------------------------------------------------------------------
@transaction.atomic
def roster_entry_add(*, user, person: Person, category: str, reason: str, cadence: str = "",
                     assistant: User | None = None, since: dt.date | None = None) -> RosterEntry:
    """Put a person on the key-population roster. A person has at most one active entry."""
    _check_writer(user, "intake.add_rosterentry")
    if not can_see(user, person):
        raise RosterError(_("This person is outside your area; you cannot put them on the roster."))
    if person.is_deceased:
        raise RosterError(_("This person is recorded as deceased."))
    reason = (reason or "").strip()
    if not reason:
        raise RosterError(_("Please give the reason for putting this person on the roster."))
    if category not in RosterCategory.values:
        raise RosterError(_("Please choose a category."))
    if cadence and cadence not in Cadence.values:
        raise RosterError(_("Please choose a visit cadence."))
    since = since or timezone.localdate()
    _check_date_not_future(since, _("The date put on the roster cannot be in the future."))
    current = RosterEntry.objects.filter(person=person, until__isnull=True).first()
    if current is not None:
        raise _already_on_roster(current)
    assistant = _assistant_for(user=user, person=person, assistant=assistant)
    entry = RosterEntry(
        person=person, township_id=person.township_id, village_id=person.village_id, category=category,
        reason=reason, cadence=cadence or default_cadence(category=category, person=person),
        assistant=assistant, since=since, created_by=user,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        # Someone else put the same person on the roster at the same moment.
        current = RosterEntry.objects.filter(person=person, until__isnull=True).first()
        raise _already_on_roster(current) from exc
    return roster_entry_recompute(entry=entry)


def _already_on_roster(current: RosterEntry | None) -> RosterError:
    if current is None:
        return RosterError(_("This person is already on the key-population roster."))
    return RosterError(_("%(name)s is already on the key-population roster (since %(since)s). "
                         "End that entry before adding a new one.") % {
        "name": current.person.name, "since": f"{current.since:%Y-%m-%d}"})


@transaction.atomic
def roster_entry_end(*, user, entry: RosterEntry, until: dt.date, reason: str) -> RosterEntry:
    """Take a person off the roster from ``until``, for ``reason`` (required). Ending an ended entry on the same
    day changes nothing. Nothing is deleted: the entry keeps its dates and visits, and can be restored
    (:func:`roster_entry_restore`)."""
    _check_writer(user, "intake.change_rosterentry")
    reason = (reason or "").strip()
    if not reason:
        raise RosterError(_("Please give the reason for taking this person off the roster."))
    if not can_see(user, entry):
        raise RosterError(_("This roster entry is outside your area."))
    entry = RosterEntry.objects.select_for_update().select_related("person").get(pk=entry.pk)
    if entry.until is not None:
        if entry.until == until:
            return entry
        raise RosterError(_("This person was already taken off the roster on %(until)s.") % {
            "until": f"{entry.until:%Y-%m-%d}"})
    _check_date_not_future(until, _("The end date cannot be in the future."))
    if until < entry.since:
        raise RosterError(_("The end date cannot be before the date the person was put on the roster (%(since)s).")
                          % {"since": f"{entry.since:%Y-%m-%d}"})
    entry.until = until
    entry.end_reason = reason
    entry.ended_by = user
    entry.next_due_on = None
    entry._change_reason = "end"
    entry.save(update_fields=["until", "end_reason", "ended_by", "next_due_on"])
    return entry


@transaction.atomic
def roster_entry_restore(*, user, entry: RosterEntry) -> RosterEntry:
    """Undo a removal: the person is back on the roster as before, visits due from the last one.

    Restoring an active entry changes nothing; a person put on the roster again meanwhile cannot be restored twice.
    """
    _check_writer(user, "intake.change_rosterentry")
    if not can_see(user, entry):
        raise RosterError(_("This roster entry is outside your area."))
    entry = RosterEntry.objects.select_for_update().select_related("person", "person__village").get(pk=entry.pk)
    if entry.until is None:
        return entry
    current = RosterEntry.objects.filter(person_id=entry.person_id, until__isnull=True).first()
    if current is not None:
        raise _already_on_roster(current)
    entry.until = None
    entry.end_reason = ""
    entry.ended_by = None
    entry._change_reason = "restore"
    entry.save(update_fields=["until", "end_reason", "ended_by"])
    return roster_entry_recompute(entry=entry)


@transaction.atomic
def roster_entry_change(*, user, entry: RosterEntry, category: str, reason: str, cadence: str = "",
                        assistant: User | None = None) -> RosterEntry:
    """Correct an active entry: its category, reason, usual cadence or assigned assistant.

    The next due date follows the new cadence at once; the change is kept in the entry's history.
    Saving the same values again changes nothing.
    """
    _check_writer(user, "intake.change_rosterentry")
    if not can_see(user, entry):
        raise RosterError(_("This roster entry is outside your area."))
    entry = RosterEntry.objects.select_for_update().select_related("person", "person__village").get(pk=entry.pk)
    if entry.until is not None:
        raise RosterError(_("This person was already taken off the roster on %(until)s.") % {
            "until": f"{entry.until:%Y-%m-%d}"})
    reason = (reason or "").strip()
    if not reason:
        raise RosterError(_("Please give the reason for putting this person on the roster."))
    if category not in RosterCategory.values:
        raise RosterError(_("Please choose a category."))
    if cadence and cadence not in Cadence.values:
        raise RosterError(_("Please choose a visit cadence."))
    assistant = _assistant_for(user=user, person=entry.person, assistant=assistant) if assistant else entry.assistant
    cadence = cadence or default_cadence(category=category, person=entry.person)
    changes = {"category": category, "reason": reason, "cadence": cadence, "assistant": assistant}
    if all(getattr(entry, name) == value for name, value in changes.items()):
        return entry
    for name, value in changes.items():
        setattr(entry, name, value)
    entry._change_reason = "change"
    entry.save(update_fields=["category", "reason", "cadence", "assistant"])
    return roster_entry_recompute(entry=entry)


# --- services: visits -----------------------------------------------------------------------------
def campaign_visit_mark(visit: Visit) -> None:
    """集中排查 (issue 17 rule 6): a visit logged in a screening's period counts for the person's open targets
    (intake/screenings/; here so the visit log and the campaigns do not import each other)."""
    (CampaignTarget.objects.filter(person_id=visit.person_id, visited_on__isnull=True,
                                   campaign__starts_on__lte=visit.visited_on, campaign__ends_on__gte=visit.visited_on)
     .update(visited_on=visit.visited_on, visit=visit))


@transaction.atomic
def visit_log(*, user, entry: RosterEntry, visited_on: dt.date, mode: str, met_in_person: bool,
              findings: str = "", found_hardship: bool = False, suspected_relief: Iterable[ReliefKind] = (),
              is_urgent: bool = False, now: dt.datetime | None = None, visitor_kind: str = VisitorKind.STAFF,
              visitor_name: str = "") -> Visit:
    """Log a visit to a roster entry; a visit that found new hardship raises (or adds to) a lead.

    ``now``: when the visit was recorded (a phone's queue sends it later): the lead's late flag
    compares the visit date with it, not with the moment it arrived.

    All in one transaction: the visit, the entry's next due date and the lead. Submitting
    the same visit twice (a double tap) returns the first one.
    """
    _check_writer(user, "intake.add_visit")
    if not can_see(user, entry):
        raise RosterError(_("This person is outside your area; you cannot log a visit for them."))
    entry = RosterEntry.objects.select_for_update().select_related("person", "person__village").get(pk=entry.pk)
    person = entry.person
    if not can_see(user, person):
        raise RosterError(_("This person is outside your area; you cannot log a visit for them."))
    if entry.until is not None:
        raise RosterError(_("This person was taken off the roster on %(until)s.") % {
            "until": f"{entry.until:%Y-%m-%d}"})
    if visited_on is None:
        raise RosterError(_("Please enter the date of the visit."))
    _check_date_not_future(visited_on, _("The date of the visit cannot be in the future."))
    if visited_on < entry.since:
        raise RosterError(_("The date of the visit cannot be before the person was put on the roster (%(since)s).")
                          % {"since": f"{entry.since:%Y-%m-%d}"})
    if mode not in VisitMode.values:
        raise RosterError(_("Please choose how you visited."))
    findings = (findings or "").strip()
    if found_hardship and not findings:
        raise RosterError(_("Please describe the new hardship you found."))
    suspected_relief = list(suspected_relief)
    visitor_kind = visitor_kind or VisitorKind.STAFF
    visitor_name = (visitor_name or "").strip()
    if visitor_kind not in VisitorKind.values:
        raise RosterError(_("Please choose who made the visit."))
    if visitor_kind != VisitorKind.STAFF and not visitor_name:
        raise RosterError(_("Please enter the name of the carer or helper who made the visit."))
    if visitor_kind == VisitorKind.STAFF:
        visitor_name = ""

    same = Visit.objects.filter(roster_entry=entry, visited_on=visited_on, visitor=user, mode=mode,
                                visitor_kind=visitor_kind, visitor_name=visitor_name,
                                met_in_person=met_in_person, findings=findings,
                                found_hardship=found_hardship).first()
    if same is not None:
        return same

    visit = Visit.objects.create(
        roster_entry=entry, person=person, township_id=person.township_id, village_id=person.village_id,
        visited_on=visited_on, mode=mode, visitor=user, met_in_person=met_in_person, findings=findings,
        found_hardship=found_hardship, visitor_kind=visitor_kind, visitor_name=visitor_name,
    )
    if found_hardship:
        try:
            lead, _merged = lead_report(
                person=person, method=DiscoveryMethod.VISIT,
                channel=Channel.HOME_VISIT if mode == VisitMode.HOME else Channel.OTHER,
                discovered_on=visited_on, source_type=SourceType.ROSTER_VISIT, by=user, description=findings,
                suspected_relief=suspected_relief, is_urgent=is_urgent, origin=("intake.Visit", visit.pk), now=now,
            )
        except LeadError as exc:
            raise RosterError(str(exc)) from exc
        visit.lead = lead
        visit.save(update_fields=["lead"])
    campaign_visit_mark(visit)  # 集中排查: a visit in a screening's period counts for it (issue 17 rule 6)
    if entry.last_visited_on is None or visited_on > entry.last_visited_on:
        entry.last_visited_on = visited_on
        entry.save(update_fields=["last_visited_on"])
    roster_entry_recompute(entry=entry)
    return visit


# --- services: severe-weather periods -------------------------------------------------------------
MAX_SEVERE_WEATHER_DAYS = 92


def _check_township_head(user) -> Region:
    if user is None or not user.is_authenticated or not user.is_active:
        raise RosterError(_("Please log in first."))
    if user.role != Role.TOWNSHIP_HEAD or user.region.level != RegionLevel.TOWNSHIP \
            or not user.has_perm("intake.add_severeweatherperiod"):
        raise RosterError(_("Only the township head can declare or end a severe-weather period."))
    return user.region


@transaction.atomic
def severe_weather_declare(*, user, starts_on: dt.date, ends_on: dt.date, note: str = "") -> SevereWeatherPeriod:
    """The township head declares severe weather: monthly visits of 特困 and 困境儿童 become weekly.

    Declaring the same period twice returns the first one; an overlapping period is refused.
    """
    township = _check_township_head(user)
    if starts_on is None or ends_on is None:
        raise RosterError(_("Please enter the first and the last day of the period."))
    if ends_on < starts_on:
        raise RosterError(_("The last day cannot be before the first day."))
    today = timezone.localdate()
    if ends_on < today:
        raise RosterError(_("This period is already over; only a current or coming period can be declared."))
    if (ends_on - starts_on).days + 1 > MAX_SEVERE_WEATHER_DAYS:
        raise RosterError(_("A severe-weather period can last at most %(days)d days; declare another one "
                            "if the weather stays bad.") % {"days": MAX_SEVERE_WEATHER_DAYS})
    # Serialise declarations of one township (two heads clicking at once).
    Region.objects.select_for_update().filter(pk=township.pk).first()
    same = SevereWeatherPeriod.objects.filter(township=township, starts_on=starts_on, ends_on=ends_on).first()
    if same is not None:
        return same
    overlap = SevereWeatherPeriod.objects.filter(township=township, starts_on__lte=ends_on,
                                                 ends_on__gte=starts_on).first()
    if overlap is not None:
        raise RosterError(_("It overlaps the severe-weather period of %(start)s to %(end)s already declared.") % {
            "start": f"{overlap.starts_on:%Y-%m-%d}", "end": f"{overlap.ends_on:%Y-%m-%d}"})
    period = SevereWeatherPeriod.objects.create(township=township, starts_on=starts_on, ends_on=ends_on,
                                                note=(note or "").strip(), declared_by=user)
    roster_recompute_township(township=township)
    return period


@transaction.atomic
def severe_weather_end(*, user, period: SevereWeatherPeriod) -> SevereWeatherPeriod | None:
    """End a period today (it still counts today); a period that has not started is cancelled (None)."""
    township = _check_township_head(user)
    if period.township_id != township.pk:
        raise RosterError(_("This severe-weather period belongs to another township."))
    period = SevereWeatherPeriod.objects.select_for_update().filter(pk=period.pk).first()
    if period is None:
        return None
    today = timezone.localdate()
    if period.starts_on > today:
        period.delete()
        roster_recompute_township(township=township)
        return None
    if period.ends_on <= today:
        return period  # already over (or ending today): nothing to do
    period.ends_on = today
    period.save(update_fields=["ends_on"])
    roster_recompute_township(township=township)
    return period


__all__ = [
    "RosterError", "default_cadence", "effective_cadence", "next_due_for",
    "roster_entry_add", "roster_entry_change", "roster_entry_end", "roster_entry_recompute", "roster_entry_restore",
    "roster_recompute_township",
    "severe_weather_declare", "severe_weather_end", "visit_log",
]
