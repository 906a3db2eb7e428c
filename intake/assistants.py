"""Village assistants (协理员): one per village at least, appointed and trained by the township (seed 001; issue 17
rule 2). Reads: coverage per village, and the villages without an assistant."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.choices import RegionLevel
from accounts.models import Region
from accounts.roles import has_role
from accounts.scoping import scope

from .models_notices import AssistantAppointment


def current_appointments(*, day: dt.date | None = None) -> QuerySet:
    day = day or timezone.localdate()
    return AssistantAppointment.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), appointed_on__lte=day)


def villages_in_scope(*, user) -> QuerySet:
    return scope(user, Region.objects.filter(level=RegionLevel.VILLAGE))


def assistant_coverage(*, user, day: dt.date | None = None, missing_only: bool = False) -> QuerySet:
    """Every village of the user's area with its current assistants, their count and the last training."""
    day = day or timezone.localdate()
    current = current_appointments(day=day)
    villages = (villages_in_scope(user=user).select_related("parent")
                .annotate(has_assistant=Exists(current.filter(village_id=OuterRef("pk"))),
                          assistants=Count("assistant_appointments",
                                           filter=Q(assistant_appointments__in=current), distinct=True),
                          last_trained=Max("assistant_appointments__trainings__trained_on",
                                           filter=Q(assistant_appointments__in=current)))
                .order_by("code"))
    if missing_only:
        villages = villages.filter(has_assistant=False)
    return villages


def villages_without_assistant(*, user, day: dt.date | None = None) -> int:
    current = current_appointments(day=day)
    return villages_in_scope(user=user).exclude(Exists(current.filter(village_id=OuterRef("pk")))).count()


def coverage_by_township(*, user, day: dt.date | None = None) -> list[dict]:
    """Per township: villages, villages with an assistant, without one."""
    current = current_appointments(day=day)
    rows = (villages_in_scope(user=user)
            .annotate(has_assistant=Exists(current.filter(village_id=OuterRef("pk"))))
            .values("parent_id", "parent__name", "parent__code")
            .annotate(villages=Count("id"), covered=Count("id", filter=Q(has_assistant=True)))
            .order_by("parent__code"))
    return [{**r, "missing": r["villages"] - r["covered"]} for r in rows]


def appointment_names(*, villages: list[Region], day: dt.date | None = None) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for village_id, name in (current_appointments(day=day).filter(village__in=villages)
                             .order_by("village_id", "appointed_on").values_list("village_id", "name")):
        names.setdefault(village_id, []).append(name)
    return names


def appointments_of(*, villages: list[Region], day: dt.date | None = None) -> dict[int, list]:
    """The current appointments of these villages, with their number of trainings, by village."""
    rows: dict[int, list] = {}
    for appointment in (current_appointments(day=day).filter(village__in=villages)
                        .annotate(training_count=Count("trainings"), last_trained=Max("trainings__trained_on"))
                        .order_by("village_id", "appointed_on")):
        rows.setdefault(appointment.village_id, []).append(appointment)
    return rows


# --- the township's forms (issue 17 rule 2: "乡镇（街道）负责村（社区）社会救助协理员管理和具体业务培训") ----------
MANAGERS = frozenset({"township_caseworker", "township_head", "district_staff"})


def can_manage(user) -> bool:
    return has_role(user, MANAGERS)


def _check_manager(user, village: Region) -> None:
    from django.utils.translation import gettext as _

    from accounts.scoping import can_see

    from .roster import RosterError

    if not can_manage(user):
        raise RosterError(_("Only the township office (or the district centre) appoints and trains assistants."))
    if village is None or village.level != RegionLevel.VILLAGE or not can_see(user, village):
        raise RosterError(_("This village is outside your area."))


def _check_day(day, what) -> None:
    from django.utils.translation import gettext as _

    from .roster import RosterError

    if day is None:
        raise RosterError(_("Please enter the %(what)s.") % {"what": what})
    if day > timezone.localdate():
        raise RosterError(_("The %(what)s cannot be in the future.") % {"what": what})


def assistant_appoint(*, user, village: Region, name: str, appointed_on: dt.date, phone: str = "",
                      background: str = "", account=None, note: str = "") -> AssistantAppointment:
    """Record an appointment of the village's assistant by the township (one village may have several)."""
    from django.utils.translation import gettext as _

    from .models_notices import AssistantBackground
    from .roster import RosterError

    _check_manager(user, village)
    name = (name or "").strip()
    if not name:
        raise RosterError(_("Please enter the assistant's name."))
    _check_day(appointed_on, _("date of appointment"))
    if account is not None and (account.role != "village_assistant" or account.region_id != village.pk):
        raise RosterError(_("The account must be a village assistant's account of this village."))
    existing = current_appointments().filter(village=village, name=name).first()
    if existing is not None:
        return existing  # a double click, or the same person appointed again
    return AssistantAppointment.objects.create(
        village=village, name=name, appointed_on=appointed_on, phone=(phone or "").strip(),
        background=background or AssistantBackground.COMMITTEE, user=account, note=(note or "").strip()[:200])


def assistant_appointment_end(*, user, appointment: AssistantAppointment, ended_on: dt.date) -> AssistantAppointment:
    from django.utils.translation import gettext as _

    from .roster import RosterError

    _check_manager(user, appointment.village)
    _check_day(ended_on, _("date the appointment ended"))
    if ended_on < appointment.appointed_on:
        raise RosterError(_("The appointment cannot end before it began."))
    if appointment.ended_on == ended_on:
        return appointment
    appointment.ended_on = ended_on
    appointment.save(update_fields=["ended_on"])
    return appointment


def assistant_training_record(*, user, appointment: AssistantAppointment, trained_on: dt.date, topic: str,
                              hours=0, given_by: str = ""):
    from django.utils.translation import gettext as _

    from .models_notices import AssistantTraining
    from .roster import RosterError

    _check_manager(user, appointment.village)
    _check_day(trained_on, _("date of training"))
    topic = (topic or "").strip()
    if not topic:
        raise RosterError(_("Please enter the topic of the training."))
    training, _created = AssistantTraining.objects.get_or_create(
        appointment=appointment, trained_on=trained_on, topic=topic,
        defaults={"hours": hours or 0, "given_by": (given_by or "").strip()})
    return training
