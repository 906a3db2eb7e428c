"""Reads of the referrals app, always starting from the user's scope."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from accounts.choices import TOWNSHIP_ROLES, Role
from accounts.scoping import scope, scope_key

from .choices import AWAITING_ANSWER, OPEN_TRANSFER_STATUSES, ReminderLevel, TransferStatus
from .deadlines import due_soon_cutoff
from .models import Notification, Reminder, TransferForm
from .workdays import WorkCalendar, package_years


# --- notifications -------------------------------------------------------------------------
def may_open_lead(user) -> bool:
    """Whether ``user`` may open the case page of a form's lead: liaisons see a form, not the case behind it.

    The permission is read from the lead model itself (``TransferForm.lead``), so this app names no higher one.
    """
    lead_model = TransferForm._meta.get_field("lead").related_model
    return user.has_perm(f"{lead_model._meta.app_label}.view_{lead_model._meta.model_name}")


def notifications_for(*, user) -> QuerySet:
    """The user's own inbox (scope first, then the recipient: an inbox is one person's)."""
    return scope(user, Notification.objects.all()).filter(recipient=user)


def unread_count(*, user) -> int:
    return notifications_for(user=user).filter(read_at__isnull=True).count()


# --- transfer forms --------------------------------------------------------------------------
def transfer_forms(*, user) -> QuerySet:
    return scope(user, TransferForm.objects.all())


def transfer_scope_key(*, user) -> tuple:
    """What decides ``transfer_summary`` for this user besides the day: their scope of transfer forms
    (``accounts.scoping.scope_key``, not the scoped queryset's SQL, DECISIONS 1526)."""
    return scope_key(user, TransferForm)


def transfer_forms_received(*, user) -> QuerySet:
    """Forms addressed to the user's township office or department."""
    qs = transfer_forms(user=user)
    if user.role == Role.DEPARTMENT_LIAISON:
        return qs.filter(to_department_id=user.department_id)
    if user.role in TOWNSHIP_ROLES:
        return qs.filter(to_region_id=user.region_id)
    return qs.none()


def transfer_forms_issued(*, user) -> QuerySet:
    """Forms the user's office issued (the district centre's, or a township's to departments)."""
    if user.role == Role.DEPARTMENT_LIAISON:
        return TransferForm.objects.none()
    return transfer_forms(user=user).filter(from_region_id=user.region_id)


def lead_transfer_forms(*, user, lead) -> QuerySet:
    return (transfer_forms(user=user).filter(lead_id=lead.pk)
            .select_related("kind", "to_region", "to_department", "from_region")
            .order_by("-issued_at"))


def transfer_summary(*, user, today: dt.date) -> dict[str, int]:
    """Counts for a home page: awaiting an answer, overdue, due soon, answered and waiting to be closed."""
    cutoff = due_soon_cutoff(today)
    waiting = Q(status__in=AWAITING_ANSWER)
    return transfer_forms(user=user).aggregate(
        awaiting=Count("id", filter=waiting),
        not_received=Count("id", filter=Q(status=TransferStatus.ISSUED)),
        overdue=Count("id", filter=waiting & Q(due_on__lt=today)),
        due_soon=Count("id", filter=waiting & Q(due_on__gte=today, due_on__lte=cutoff)),
        to_close=Count("id", filter=Q(status=TransferStatus.ANSWERED)),
        escalated=Count("id", filter=waiting & Q(chase_level=ReminderLevel.ESCALATION)),
    )


def form_reminders(*, user, form: TransferForm) -> QuerySet:
    return scope(user, Reminder.objects.filter(transfer_form=form)).order_by("sent_on", "id")


def reminders(*, user) -> QuerySet:
    return scope(user, Reminder.objects.all())


def reminder_counts(*, user, since: dt.date | None = None, until: dt.date | None = None) -> list[dict]:
    """Per recipient: how many reminders, written reminders (counted in the assessment) and escalations."""
    qs = reminders(user=user)
    if since:
        qs = qs.filter(sent_on__gte=since)
    if until:
        qs = qs.filter(sent_on__lte=until)
    return list(
        qs.values("recipient_name")
        .annotate(
            reminders=Count("id", filter=Q(level=ReminderLevel.REMINDER)),
            written=Count("id", filter=Q(level=ReminderLevel.WRITTEN_REMINDER)),
            escalations=Count("id", filter=Q(level=ReminderLevel.ESCALATION)),
        )
        .order_by("-written", "-escalations", "recipient_name")
    )


# --- the calendar ----------------------------------------------------------------------------
def unknown_calendar_years(*, user, today: dt.date, calendar: WorkCalendar | None = None) -> list[int]:
    """Years whose holidays are unknown and matter now: this year, next year from November on,
    and the years open transfer forms fall due in."""
    calendar = calendar or WorkCalendar()
    years = {today.year}
    if today.month >= 11:
        years.add(today.year + 1)
    last_known = package_years()[1]
    due_years = (transfer_forms(user=user).filter(status__in=OPEN_TRANSFER_STATUSES, due_on__year__gt=last_known)
                 .dates("due_on", "year"))
    years.update(d.year for d in due_years)
    return sorted(y for y in years if not calendar.calendar_known(y))
