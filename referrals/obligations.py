"""The obligation engine: every dated duty of the notices, chased up one reminder ladder (docs/DEADLINES.md).

An *obligation kind* says what is owed, by whom and by when; each app that owns such a duty
registers its kind in its ``AppConfig.ready()`` (this lower app never names them)::

    obligation_kinds.register(ObligationKind(
        code="lead_acceptance", label=_("…"), source=_("…"), default_limit=1, limit_help=_("…"),
        duties=lead_acceptance_duties, open_items=…, list_url="…"))

* ``duties(today=, calendar=, rule=)`` yields a :class:`Duty` for every thing still owed whose due
  date has passed: the subject, its due date, who owes it and who hears of the escalation.
* ``open_items()`` (optional) is the queryset of the things still owed, with their due date in
  ``due_field``: the home pages count them (overdue, due today) for each user through the scoping
  module, and link to ``list_url`` filtered by ``due=overdue`` or ``due=today``.

The limits and ladder gaps are :class:`~referrals.models.ObligationRule` rows the administrator edits
(with history); a kind with no row yet uses its defaults. One Celery beat job (08:30 every day,
``referrals.tasks.chase_obligations``) walks every kind: nothing on a rest day; a reminder on the first
overdue working day, a written reminder (书面提醒) after the rule's gap, an escalation to the district
after the next; each step a :class:`~referrals.models.Reminder` row unique per (kind, subject, due date,
step), so a step is never sent twice; each kind's run a :class:`~referrals.models.ChaserRun` row.
"""
from __future__ import annotations

import datetime as dt
import time
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from accounts.models import Department, Region
from accounts.scoping import scope
from common.registry import list_pages

from .choices import ReminderLevel
from .ladder import chase
from .models import Obligation, ObligationRule, Reminder
from .obligation_kinds import Duty, ObligationKind, obligation_kinds  # re-exported: apps register here
from .workdays import WorkCalendar


class _DefaultRule:
    """A kind's defaults while the administrator has no row for it (fresh database, flushed tests)."""

    def __init__(self, kind: ObligationKind):
        self.code = kind.code
        self.limit = kind.default_limit
        self.written_reminder_after, self.escalation_after = kind.default_gaps
        self.is_active = True

    @property
    def gaps(self) -> tuple[int, int]:
        return self.written_reminder_after, self.escalation_after


def rule_for(code: str):
    """The administrator's rule for a kind, or its defaults."""
    found = ObligationRule.objects.filter(code=code).first()
    return found if found is not None else _DefaultRule(obligation_kinds.get(code))


def limit(code: str) -> int:
    """The time limit of a kind as the district set it (services that set due dates read it)."""
    return int(rule_for(code).limit)


def rules_ensure(**kwargs) -> int:
    """A row for every registered kind, with its defaults (post_migrate; the admin then edits them)."""
    created = 0
    for kind in obligation_kinds:
        _rule, new = ObligationRule.objects.get_or_create(
            code=kind.code, defaults={"limit": kind.default_limit, "written_reminder_after": kind.default_gaps[0],
                                      "escalation_after": kind.default_gaps[1]})
        created += new
    return created


def kind_chase(kind: ObligationKind, *, today: dt.date, calendar: WorkCalendar | None = None) -> dict[str, int]:
    """Send today's ladder step for every overdue duty of one kind. Returns the steps sent, by level."""
    calendar = calendar or WorkCalendar()
    counts = {level: 0 for level in ReminderLevel.values}
    if not calendar.is_working_day(today):
        return counts
    rule = rule_for(kind.code)
    if kind.open_items is not None:
        obligations_sync(kind, today=today)
    if not rule.is_active:
        return counts
    for duty in kind.duties(today=today, calendar=calendar, rule=rule):
        reminder = chase(
            kind=kind.code, gaps=rule.gaps, subject=duty.subject, due_on=duty.due_on, today=today,
            region=duty.region, department=duty.department, recipient_name=duty.recipient_name,
            recipients=duty.recipients, written_to=duty.written_to, escalate_to=duty.escalate_to,
            title=duty.title, body=duty.body, url=duty.url, calendar=calendar, transfer_form=duty.transfer_form,
            on_step=duty.on_step)
        if reminder is not None:
            counts[reminder.level] += 1
    return counts


def obligations_sync(kind: ObligationKind, *, today: dt.date) -> tuple[int, int]:
    """Bring the kind's Obligation rows up to date with its open things: a row for each thing owed and its
    due date; a row whose thing is no longer owed is met on the day the kind says (else today); a row whose
    thing is owed again under another due date (the limit changed) gives way to the new one.
    Returns (rows opened, rows met)."""
    due, township, region, department = kind.due_field, kind.township_field, kind.region_field, \
        kind.department_field
    qs = kind.open_items().filter(**{f"{due}__isnull": False})
    model = qs.model
    subject_type = model._meta.label
    names = ["pk", due, region, township or region, department or region]
    open_now: dict[tuple[str, dt.date], tuple] = {}
    for pk, due_on, region_id, township_id, department_id in qs.values_list(*names).iterator(chunk_size=5000):
        open_now[(str(pk), due_on)] = (region_id, township_id if township else None,
                                        department_id if department else None)
    recorded = dict(((sid, d), pk) for pk, sid, d in Obligation.objects.filter(
        kind=kind.code, subject_type=subject_type, met_on__isnull=True).values_list("pk", "subject_id", "due_on"))
    new = [Obligation(kind=kind.code, subject_type=subject_type, subject_id=sid, due_on=d, region_id=r, township_id=t,
                      department_id=dep) for (sid, d), (r, t, dep) in open_now.items() if (sid, d) not in recorded]
    Obligation.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    gone = {key: pk for key, pk in recorded.items() if key not in open_now}
    still_owed = {sid for sid, _d in open_now}
    superseded = [pk for (sid, _d), pk in gone.items() if sid in still_owed]
    if superseded:
        Obligation.objects.filter(pk__in=superseded).delete()
    met = {sid: pk for (sid, _d), pk in gone.items() if sid not in still_owed}
    days = kind.met_on([model._meta.pk.to_python(sid) for sid in met]) if (kind.met_on and met) else {}
    by_day: dict[dt.date, list[int]] = {}
    for sid, pk in met.items():
        day = days.get(model._meta.pk.to_python(sid)) or today
        by_day.setdefault(min(day, today), []).append(pk)
    for day, pks in by_day.items():
        Obligation.objects.filter(pk__in=pks).update(met_on=day)
    return len(new), len(met)


def chase_code(code: str, *, today: dt.date, calendar: WorkCalendar | None = None) -> dict[str, int]:
    return kind_chase(obligation_kinds.get(code), today=today, calendar=calendar)


def chase_all(*, today: dt.date, calendar: WorkCalendar | None = None) -> dict[str, dict[str, int]]:
    """Every kind, one after the other (tests and the demo; the beat job records a run per kind)."""
    calendar = calendar or WorkCalendar()
    return {kind.code: kind_chase(kind, today=today, calendar=calendar) for kind in obligation_kinds}


# --- what the home pages show ------------------------------------------------------------------------
def _model_label(kind: ObligationKind) -> str:
    return kind.open_items().model._meta.label


def list_link(kind: ObligationKind, due: str = "") -> str:
    """The list that shows this kind's open things, filtered by ``due`` (overdue, today) when given."""
    name = kind.list_url
    if not name:
        label = _model_label(kind)
        name = list_pages.get(label).url_name if label in list_pages else ""
    if not name:
        return ""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return ""
    query = {**kind.list_query, **({"due": due} if due else {})}
    return f"{url}?{urlencode(query)}" if query else url


def visible_kinds(user) -> list[ObligationKind]:
    """The kinds whose things the user may see (model view permission, and the kind's roles)."""
    found = []
    for kind in obligation_kinds:
        if kind.open_items is None:
            continue
        if kind.roles is not None and user.role not in kind.roles and not user.is_superuser:
            continue
        meta = kind.open_items().model._meta
        if user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            found.append(kind)
    return found


def work_counts(user, today: dt.date) -> list[dict]:
    """For each kind the user may see: things open, overdue and due today, in the user's scope (one query
    per kind), with the links to the lists behind each figure."""
    rows = []
    for kind in visible_kinds(user):
        due = kind.due_field
        counts = scope(user, kind.open_items()).aggregate(
            open=Count("pk"), overdue=Count("pk", filter=Q(**{f"{due}__lt": today})),
            due_today=Count("pk", filter=Q(**{due: today})))
        rows.append({"kind": kind, "code": kind.code, "label": kind.label, "urgent": kind.urgent, **counts,
                     "url": list_link(kind), "overdue_url": list_link(kind, "overdue"),
                     "today_url": list_link(kind, "today")})
    return rows


def overdue_by_township(user, today: dt.date) -> list[dict]:
    """The district's view: overdue things per township and kind (kinds that belong to a township)."""
    table: dict[int, dict] = {}
    for kind in visible_kinds(user):
        if not kind.township_field:
            continue
        rows = (scope(user, kind.open_items()).filter(**{f"{kind.due_field}__lt": today})
                .values(kind.township_field).annotate(n=Count("pk")))
        for row in rows:
            township_id = row[kind.township_field]
            if township_id is None:
                continue
            entry = table.setdefault(township_id, {"total": 0, "kinds": []})
            entry["total"] += row["n"]
            entry["kinds"].append((kind.label, row["n"]))
    names = dict(Region.objects.filter(pk__in=list(table)).values_list("pk", "name"))
    result = [{"township": names.get(pk, ""), "township_id": pk, **entry} for pk, entry in table.items()]
    return sorted(result, key=lambda r: (-r["total"], r["township"]))


def overdue_by_department(user, today: dt.date) -> list[dict]:
    """The district's view of departments: overdue things per department and kind (transfer forms addressed to a
    department, missing deliveries)."""
    table: dict[int, dict] = {}
    for kind in visible_kinds(user):
        if not kind.department_field:
            continue
        rows = (scope(user, kind.open_items()).filter(**{f"{kind.due_field}__lt": today,
                                                         f"{kind.department_field}__isnull": False})
                .values(kind.department_field).annotate(n=Count("pk")))
        for row in rows:
            entry = table.setdefault(row[kind.department_field], {"total": 0, "kinds": []})
            entry["total"] += row["n"]
            entry["kinds"].append((kind.label, row["n"]))
    names = dict(Department.objects.filter(pk__in=list(table)).values_list("pk", "name"))
    result = [{"department": names.get(pk, ""), **entry} for pk, entry in table.items()]
    return sorted(result, key=lambda r: (-r["total"], r["department"]))


def recent_escalations(user, today: dt.date, days: int = 30, limit: int = 8) -> list:
    """Escalations of the last ``days`` days the user may see, newest first."""
    return list(scope(user, Reminder.objects.filter(level=ReminderLevel.ESCALATION,
                                                   sent_on__gte=today - dt.timedelta(days=days)))
                .order_by("-sent_on", "-id")[:limit])


# --- the ledger keeps up as things are saved ---------------------------------------------------------------
_kinds_by_model: dict = {}
_kinds_built_for = -1  # how many kinds were registered when the map was built (ready() registers them all)


def _kinds_of(model) -> list[ObligationKind]:
    global _kinds_built_for
    if _kinds_built_for != len(obligation_kinds):
        _kinds_by_model.clear()
        for kind in obligation_kinds:
            if kind.open_items is not None:
                _kinds_by_model.setdefault(kind.open_items().model, []).append(kind)
        _kinds_built_for = len(obligation_kinds)
    return _kinds_by_model.get(model, [])


# The home pages' "today's work" figures are kept this long per scope and day (docs/DECISIONS.md 902), and
# dropped at once when a row of a kind's model is saved (record_open below): a set-based write (an import, a
# bulk update) shows within this time.
WORK_FIGURES_SECONDS = 60
WORK_GENERATION_KEY = "todays-work:generation"


def work_generation() -> int:
    """Part of the key of every kept "today's work" figure: a save of a counted row moves it."""
    return cache.get(WORK_GENERATION_KEY, 0)


def record_open(sender, instance, raw=False, **kwargs) -> None:
    """post_save: a thing that now owes something by a due date gets its Obligation row at once, so that a
    duty met before the next 08:30 run is counted too. (Set-based writes are picked up by the daily sync.)"""
    if raw:
        return
    kinds = _kinds_of(sender)
    if not kinds:
        return
    cache.set(WORK_GENERATION_KEY, time.time_ns(), None)  # the home pages' kept figures are out of date
    for kind in kinds:
        names = ["pk", kind.due_field, kind.region_field, kind.township_field or kind.region_field,
                 kind.department_field or kind.region_field]
        row = (kind.open_items().filter(pk=instance.pk, **{f"{kind.due_field}__isnull": False})
               .values_list(*names).first())
        if row is None:
            continue
        pk, due_on, region_id, township_id, department_id = row
        Obligation.objects.get_or_create(
            kind=kind.code, subject_type=sender._meta.label, subject_id=str(pk), due_on=due_on,
            defaults={"region_id": region_id, "township_id": township_id if kind.township_field else None,
                      "department_id": department_id if kind.department_field else None})
