"""What an obligation is, and the registry the apps that own one register it in (referrals/obligations.py is the
engine that keeps and chases them). Apart from the engine so the models (which name the kinds) do not import it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise

from common.registry import Registry


@dataclass
class Duty:
    """One thing owed and overdue, as the chaser sees it."""

    subject: models.Model
    due_on: dt.date
    region: Any  # the owing side's region (reminders are scoped by it)
    recipient_name: str
    recipients: Sequence  # users told from the first step
    title: str
    body: str = ""
    url: str = ""
    written_to: Sequence = ()  # also told from the written reminder on (the township behind an assistant)
    escalate_to: Sequence = ()  # also told of the escalation (the district centre)
    department: Any = None
    transfer_form: Any = None
    on_step: Callable | None = None


@dataclass(frozen=True)
class ObligationKind:
    code: str
    label: str | Promise
    source: str | Promise  # where the notices set it, quoted
    default_limit: int
    limit_help: str | Promise  # what the limit counts ("working days after the report")
    duties: Callable[..., Iterable[Duty]]
    default_gaps: tuple[int, int] = (2, 2)
    order: int = 100
    open_items: Callable[[], models.QuerySet] | None = None
    due_field: str = "due_on"
    township_field: str | None = None  # the district's per-township table groups by it
    list_url: str = ""  # URL name of the list that shows these things
    list_query: dict = field(default_factory=dict)  # extra query of that list (status=reported…)
    roles: frozenset | None = None  # who sees the count on their home page (None: everyone who may see them)
    urgent: bool = False  # shown in red on the home page
    # The ledger of duties (Obligation rows, for the assessment): the scoping region of a thing, its department,
    # and ``met_on(pks) -> {pk: date}``, the day each thing that left ``open_items`` was done.
    region_field: str = "region"
    department_field: str | None = None
    met_on: Callable[[list], dict] | None = None


obligation_kinds: Registry[ObligationKind] = Registry("obligation kinds")
