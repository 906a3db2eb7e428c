"""Notifications (the bell) and who is told: a township's staff, a department's liaisons, the district centre.

Apart from the transfer forms' services so that the reminder ladder (ladder.py) and every app that notifies
import it without the forms' writes."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models, transaction
from django.utils import timezone

from accounts.choices import TOWNSHIP_ROLES, Role
from accounts.models import Department, Region, User

from .models import Notification


# --- notifications ------------------------------------------------------------------------
def notify(*, recipients: Iterable[User], kind: str, title: str, body: str = "", url: str = "",
           is_urgent: bool = False, subject: models.Model | None = None) -> list[Notification]:
    rows = [
        Notification(recipient=user, kind=kind, title=title[:200], body=body, url=url, is_urgent=is_urgent,
                     subject_type=subject._meta.label if subject is not None else "",
                     subject_id=str(subject.pk) if subject is not None else "")
        for user in recipients
    ]
    return Notification.objects.bulk_create(rows)


def township_office(*, township: Region) -> models.QuerySet:
    """The active caseworkers and heads of a township: who is told of its new leads."""
    return User.objects.filter(region=township, role__in=TOWNSHIP_ROLES, is_active=True)


def notify_township(*, township: Region, kind: str, title: str, body: str = "", url: str = "",
                    is_urgent: bool = False, subject: models.Model | None = None) -> list[Notification]:
    return notify(recipients=township_office(township=township), kind=kind, title=title, body=body, url=url,
                  is_urgent=is_urgent, subject=subject)


def department_liaisons(*, department: Department) -> models.QuerySet:
    return User.objects.filter(department=department, role=Role.DEPARTMENT_LIAISON, is_active=True)


def district_centre(*, district_code: str) -> models.QuerySet:
    """The district centre's staff: who receives escalations."""
    return User.objects.filter(region__code=f"{district_code}000000", role=Role.DISTRICT_STAFF, is_active=True)


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None, now: dt.datetime | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when ``ids`` is None). Returns how many."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=now or timezone.now())


def mark_notifications_read(subject: models.Model, *, now: dt.datetime | None = None) -> int:
    """Everyone's unread notifications about ``subject`` are read: it has been dealt with (a transfer form
    answered or closed, a lead accepted, a public report handled…). Returns how many."""
    return Notification.objects.filter(subject_type=subject._meta.label, subject_id=str(subject.pk),
                                       read_at__isnull=True).update(read_at=now or timezone.now())
