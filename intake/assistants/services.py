"""Village assistants (协理员): one per village at least, appointed and trained by the township (seed 001; issue 17
rule 2). The reads (coverage per village, villages without one) are ``intake.assistants.selectors``."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from accounts.roles import has_role
from accounts.scoping import can_see
from intake.assistants.models import AssistantAppointment, AssistantBackground, AssistantTraining
from intake.assistants.selectors import current_appointments
from intake.roster.services import RosterError

# --- the township's forms (issue 17 rule 2: "乡镇（街道）负责村（社区）社会救助协理员管理和具体业务培训") ----------
MANAGERS = frozenset({Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD, Role.DISTRICT_STAFF})


def can_manage(user) -> bool:
    return has_role(user, MANAGERS)


def _check_manager(user, village: Region) -> None:
    if not can_manage(user):
        raise RosterError(_("Only the township office (or the district centre) appoints and trains assistants."))
    if village is None or village.level != RegionLevel.VILLAGE or not can_see(user, village):
        raise RosterError(_("This village is outside your area."))


def _check_day(day, what) -> None:
    if day is None:
        raise RosterError(_("Please enter the %(what)s.") % {"what": what})
    if day > timezone.localdate():
        raise RosterError(_("The %(what)s cannot be in the future.") % {"what": what})


def assistant_appoint(*, user, village: Region, name: str, appointed_on: dt.date, phone: str = "",
                      background: str = "", account=None, note: str = "") -> AssistantAppointment:
    """Record an appointment of the village's assistant by the township (one village may have several)."""


    _check_manager(user, village)
    name = (name or "").strip()
    if not name:
        raise RosterError(_("Please enter the assistant's name."))
    _check_day(appointed_on, _("date of appointment"))
    if account is not None and (account.role != Role.VILLAGE_ASSISTANT or account.region_id != village.pk):
        raise RosterError(_("The account must be a village assistant's account of this village."))
    existing = current_appointments().filter(village=village, name=name).first()
    if existing is not None:
        return existing  # a double click, or the same person appointed again
    return AssistantAppointment.objects.create(
        village=village, name=name, appointed_on=appointed_on, phone=(phone or "").strip(),
        background=background or AssistantBackground.COMMITTEE, user=account, note=(note or "").strip()[:200])


def assistant_appointment_end(*, user, appointment: AssistantAppointment, ended_on: dt.date) -> AssistantAppointment:
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


    _check_manager(user, appointment.village)
    _check_day(trained_on, _("date of training"))
    topic = (topic or "").strip()
    if not topic:
        raise RosterError(_("Please enter the topic of the training."))
    training, _created = AssistantTraining.objects.get_or_create(
        appointment=appointment, trained_on=trained_on, topic=topic,
        defaults={"hours": hours or 0, "given_by": (given_by or "").strip()})
    return training
