"""The reminder ladder for overdue work (DESIGN §5): reminder → written reminder → escalation.

* a **reminder** on the first overdue working day;
* a **written reminder** (书面提醒, printable, counted in the assessment) after
  the kind's ``written_reminder_after`` (default 2) more working days;
* an **escalation** to the district centre after its ``escalation_after``
  (default 2) more working days — both edited by the administrator on the
  kind's :class:`~referrals.models.ObligationRule`.

Each step follows the one before it: a run that was missed (the server was off
for a week) continues the ladder the next working day instead of sending every
step at once. Each step is a :class:`~referrals.models.Reminder` row, unique per
(kind, subject, due date, step): running a chaser twice sends nothing twice, however the runs
overlap — the database refuses the second row and its notifications roll back
with it.

The obligation engine (:mod:`referrals.obligations`) calls :func:`chase` for every kind of duty.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from .choices import LADDER, NotificationKind, ReminderLevel
from .models import Reminder
from .notifications import notify
from .workdays import WorkCalendar

log = logging.getLogger(__name__)

LEVEL_KINDS = {
    ReminderLevel.REMINDER: NotificationKind.REMINDER,
    ReminderLevel.WRITTEN_REMINDER: NotificationKind.WRITTEN_REMINDER,
    ReminderLevel.ESCALATION: NotificationKind.ESCALATION,
}


DEFAULT_GAPS = (2, 2)


def next_step(*, due_on: dt.date, today: dt.date, sent: dict[str, dt.date],
              calendar: WorkCalendar, gaps: tuple[int, int] = DEFAULT_GAPS) -> str | None:
    """The ladder step due today for a thing due on ``due_on``, given the steps already ``sent``."""
    if not calendar.is_working_day(today):
        return None
    overdue = calendar.working_days_between(due_on, today)
    if overdue < 1:
        return None
    gaps = dict(zip(LADDER[1:], (int(g) for g in gaps), strict=True))
    previous = None
    for level in LADDER:
        if level in sent:
            previous = level
            continue
        if previous is None:
            return level
        if calendar.working_days_between(sent[previous], today) >= gaps[level]:
            return level
        return None
    return None


def _emails(users: Iterable, subject: str, body: str) -> None:
    addresses = sorted({u.email for u in users if getattr(u, "email", "")})
    for address in addresses:
        try:
            send_mail(subject, body, None, [address], fail_silently=False)
        except Exception:  # noqa: BLE001 - a mail server problem must not undo the notice in the inbox
            log.exception("reminder email to %s failed", address)


def chase(*, kind: str, subject: models.Model, due_on: dt.date, today: dt.date, region, department=None,
          recipient_name: str, recipients: Iterable, written_to: Iterable = (), escalate_to: Iterable = (),
          title: str, body: str = "", url: str = "", calendar: WorkCalendar | None = None, transfer_form=None,
          gaps: tuple[int, int] = DEFAULT_GAPS, on_step=None) -> Reminder | None:
    """Send today's ladder step for one overdue ``subject`` of obligation ``kind``, if one is due and not yet sent.

    ``recipients`` (users) get every step; ``written_to`` (the office behind them) also gets the
    written reminder and the escalation; ``escalate_to`` (the district centre) also gets the
    escalation. ``title`` is prefixed with the step's name.
    ``on_step(reminder)`` runs inside the same transaction (to mark the subject).
    Returns the new :class:`Reminder`, or ``None`` when nothing was due or it
    was already sent.
    """
    calendar = calendar or WorkCalendar()
    subject_type, subject_id = subject._meta.label, str(subject.pk)
    with transaction.atomic():
        sent = dict(Reminder.objects.filter(kind=kind, subject_type=subject_type, subject_id=subject_id,
                                            due_on=due_on).values_list("level", "sent_on"))
        level = next_step(due_on=due_on, today=today, sent=sent, calendar=calendar, gaps=gaps)
        if level is None:
            return None
        recipients = list(recipients)
        people = {u.pk: u for u in recipients}
        if level != ReminderLevel.REMINDER:
            for user in written_to:
                people.setdefault(user.pk, user)
        if level == ReminderLevel.ESCALATION:
            for user in escalate_to:
                people.setdefault(user.pk, user)
        label = ReminderLevel(level).label
        full_title = _("[%(step)s] %(title)s") % {"step": label, "title": title}
        overdue = calendar.working_days_between(due_on, today)
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    kind=kind, subject_type=subject_type, subject_id=subject_id, transfer_form=transfer_form, level=level,
                    sent_on=today, due_on=due_on, overdue_working_days=overdue, region=region,
                    department=department, recipient_name=recipient_name[:64], title=full_title[:200],
                    body=body, url=url, notified_count=len(people),
                )
        except IntegrityError:
            return None  # another run sent this step first
        notify(recipients=people.values(), kind=LEVEL_KINDS[level], title=full_title, body=body, url=url,
               is_urgent=level != ReminderLevel.REMINDER, subject=subject)
        if on_step is not None:
            on_step(reminder)
        mail_body = "\n\n".join(p for p in (full_title, body, _absolute(url)) if p)
        users = list(people.values())
        transaction.on_commit(lambda: _emails(users, full_title, mail_body))
    return reminder


def _absolute(url: str) -> str:
    base = getattr(settings, "SITE_URL", "")
    return f"{base.rstrip('/')}{url}" if url and base else url
