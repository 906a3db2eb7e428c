"""Writes of the referrals app. Notifications first; transfer forms and the chaser follow."""
from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from accounts.choices import Role
from accounts.models import Region, User

from .models import Notification

TOWNSHIP_OFFICE_ROLES = (Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD)


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
    return User.objects.filter(region=township, role__in=TOWNSHIP_OFFICE_ROLES, is_active=True)


def notify_township(*, township: Region, kind: str, title: str, body: str = "", url: str = "",
                    is_urgent: bool = False, subject: models.Model | None = None) -> list[Notification]:
    return notify(recipients=township_office(township=township), kind=kind, title=title, body=body, url=url,
                  is_urgent=is_urgent, subject=subject)
