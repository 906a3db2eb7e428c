"""The village assistant's phone without a signal (issue 19).

Two things cross the wire:

* the **pack** (:func:`offline_pack`): the least the phone needs to work offline — the active roster
  of the assistant's own village (name, masked ID number, category, due dates), the form choices and
  a signed stamp of when it was issued; nothing else about anyone;
* one **queued record** at a time (:func:`offline_submit`): a lead or a visit the assistant recorded
  offline, with the key the phone chose for it. It goes through the same forms and services as the
  online pages (``LeadForm`` + ``lead_log``, ``VisitForm`` + ``visit_log``): one open lead per person,
  a second report merged as evidence, the late flag by the discovery date against the moment the
  assistant recorded it. The key is kept (:class:`OfflineSubmission`), so sending it again changes
  nothing and answers what the first sending answered.

Design and privacy reasoning: docs/SECURITY.md ("The phone offline"); decisions: docs/DECISIONS.md.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
import json
import re

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.scoping import scope
from cases.choices import OPEN_LEAD_STATUSES
from cases.models import DistrictSettings, Lead, Person
from common import resident_id
from common.resident_id import ResidentIDError
from intake.choices import RosterCategory
from intake.leads.forms import LeadForm
from intake.leads.services import IntakeError, lead_log
from intake.leads.unidentified import lead_log_unidentified
from intake.models import RosterEntry
from intake.offline.models import OfflineKind, OfflineOutcome, OfflineSubmission, VisitPhoto
from intake.roster import selectors as roster_selectors
from intake.roster import services as roster
from intake.roster.forms import VisitForm

STAMP_SALT = "intake.offline.stamp"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9-]{16,64}$")
PHOTO_PREFIX = "data:image/jpeg;base64,"


def _setting(name: str, default):
    return getattr(settings, name, default)


def photo_max_bytes() -> int:
    return _setting("OFFLINE_PHOTO_MAX_BYTES", 1024 * 1024)


def photo_max_count() -> int:
    return _setting("OFFLINE_PHOTO_MAX_COUNT", 3)


def offline_max_days() -> int:
    """How long after the last sync a record made offline keeps the time the phone gives it."""
    return _setting("OFFLINE_MAX_DAYS", 7)


class OfflineError(Exception):
    """A queued record that cannot be taken; the message is for the assistant, in Chinese."""
    status = 400


class OfflineKeyReused(OfflineError):
    """The key was already used for other content or by another account."""
    status = 409


OFFLINE_ROLES = frozenset({Role.VILLAGE_ASSISTANT})  # the phone's pages (accounts.roles.require_role)


def offline_allowed(user) -> bool:
    """The offline app is the village assistant's: their village, their roster, their reports."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and getattr(user, "region_id", None)
                and user.role in OFFLINE_ROLES and user.has_perm("cases.add_lead"))


# --- the pack ---------------------------------------------------------------------------------------
def _stamp(*, user, now: dt.datetime) -> str:
    return signing.dumps({"u": user.pk, "t": int(now.timestamp())}, salt=STAMP_SALT)


def _stamp_time(stamp: str, *, user) -> dt.datetime | None:
    try:
        value = signing.loads(stamp or "", salt=STAMP_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("u") != user.pk or not isinstance(value.get("t"), int):
        return None
    return dt.datetime.fromtimestamp(value["t"], tz=dt.timezone.utc)


def offline_roster(*, user):
    """The active roster of the assistant's village, through the one scoping function."""
    return (roster_selectors.roster_entries(user=user).filter(until__isnull=True)
            .select_related("person").order_by("next_due_on", "id"))


def offline_pack(*, user, now: dt.datetime | None = None) -> dict:
    """What the phone keeps: the roster's names, masked ID numbers and due dates, and the choices of the forms."""
    now = now or timezone.now()
    categories = dict(RosterCategory.choices)
    entries = [
        {
            "id": entry.pk,
            "name": entry.person.name,
            "id_masked": resident_id.mask(entry.person.id_number),
            "category": str(categories.get(entry.category, entry.category)),
            "since": entry.since.isoformat(),
            "next_due_on": entry.next_due_on.isoformat() if entry.next_due_on else None,
            "last_visited_on": entry.last_visited_on.isoformat() if entry.last_visited_on else None,
            "mine": entry.assistant_id in (None, user.pk),
        }
        for entry in offline_roster(user=user)
    ]
    return {
        "user": {"id": user.pk, "name": user.display_name, "village": user.region.name,
                 "village_id": user.region_id},
        "issued_at": now.isoformat(),
        "stamp": _stamp(user=user, now=now),
        "idle_seconds": settings.SESSION_COOKIE_AGE,
        "photo_max_bytes": photo_max_bytes(),
        "photo_max_count": photo_max_count(),
        "keep_photo_location": keep_photo_location(user),  # the phone copies the photo's GPS only when on
        "roster": entries,
    }


# --- taking one queued record -----------------------------------------------------------------------
def _checksum(payload: dict) -> str:
    body = {"kind": payload.get("kind"), "data": payload.get("data"), "photos": payload.get("photos") or []}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def recorded_at_for(*, payload: dict, user, now: dt.datetime) -> dt.datetime:
    """When the assistant recorded it: the phone's time, bounded by the signed stamp of the last sync.

    Never later than now, never earlier than the pack the phone worked from, and never more than
    ``OFFLINE_MAX_DAYS`` after that pack; without a valid stamp of this user, the time it arrived.
    """
    issued = _stamp_time(payload.get("stamp") or "", user=user)
    if issued is None:
        return now
    phone = parse_datetime(str(payload.get("recorded_at") or ""))
    if phone is None or timezone.is_naive(phone):
        return now
    latest = min(now, issued + dt.timedelta(days=offline_max_days()))
    return min(now, max(issued, min(phone, latest)))


def _form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


def keep_photo_location(user) -> bool:
    """The district's setting (off by default): keep where a visit photo was taken (issue 19)."""
    region = getattr(user, "region", None)
    return bool(region is not None and DistrictSettings.for_district_code(region.code).keep_photo_location)


def _location_only(image):
    """An EXIF block holding the photo's GPS tags and nothing else (no device, time or thumbnail), or None."""
    from PIL import ExifTags, Image

    gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    if not gps:
        return None
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = dict(gps)
    return exif.tobytes()


def _clean_photo(value, number: int, *, keep_location: bool = False) -> tuple[bytes, int, int]:
    """A JPEG the phone compressed, checked by content and re-encoded here: no EXIF survives, except the GPS tags
    when the district keeps the photo's location (``DistrictSettings.keep_photo_location``)."""
    from PIL import Image

    def refuse(reason: str) -> OfflineError:
        return OfflineError(_("Photo %(number)s: %(reason)s") % {"number": number, "reason": reason})

    limit = photo_max_bytes()
    if not isinstance(value, str) or not value.startswith(PHOTO_PREFIX):
        raise refuse(_("only JPEG photos are accepted."))
    if len(value) > len(PHOTO_PREFIX) + (limit * 4) // 3 + 8:
        raise refuse(_("larger than %(size)s KB.") % {"size": limit // 1024})
    try:
        raw = base64.b64decode(value[len(PHOTO_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise refuse(_("not a valid image.")) from None
    if len(raw) > limit:
        raise refuse(_("larger than %(size)s KB.") % {"size": limit // 1024})
    if not raw.startswith(b"\xff\xd8\xff"):
        raise refuse(_("only JPEG photos are accepted."))
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            if image.format != "JPEG":
                raise refuse(_("only JPEG photos are accepted."))
            if max(image.size) > 4096:
                raise refuse(_("more than 4096 pixels on a side."))
            image.load()
            location = _location_only(image) if keep_location else None
            out = io.BytesIO()
            # Saved afresh without exif/icc/comments: nothing the camera wrote (device, time) is kept, nor the place
            # unless the district asks for it.
            extra = {"exif": location} if location else {}
            image.convert("RGB").save(out, "JPEG", quality=85, optimize=True, **extra)
            width, height = image.size
    except OfflineError:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a damaged or hostile file
        raise refuse(_("not a valid image.")) from None
    return out.getvalue(), width, height


def _clean_photos(photos, *, kind: str, keep_location: bool = False) -> list[tuple[bytes, int, int]]:
    photos = photos or []
    if not isinstance(photos, list):
        raise OfflineError(_("The photos could not be read."))
    if photos and kind != OfflineKind.VISIT:
        raise OfflineError(_("Photos can only be attached to a visit."))
    if len(photos) > photo_max_count():
        raise OfflineError(_("At most %(count)s photos per visit.") % {"count": photo_max_count()})
    return [_clean_photo(value, number, keep_location=keep_location) for number, value in enumerate(photos, start=1)]


def _lead_message(*, lead: Lead, merged: bool, user, open_before: Lead | None) -> tuple[str, bool]:
    """What the assistant reads on sync; ``conflict`` when someone else had opened the lead meanwhile."""
    name = lead.person.name
    if not merged:
        return _("Lead %(number)s logged for %(name)s. The township has been told.") % {
            "number": lead.number, "name": name}, False
    other = open_before is not None and open_before.created_by_id != user.pk
    if other:
        by = open_before.created_by.display_name if open_before.created_by else \
            (open_before.discoverer_name or _("a department or the public"))
        return _("While you were offline, %(by)s opened lead %(number)s for %(name)s: your report was added to it "
                 "as evidence and the township was told.") % {"by": by, "number": lead.number, "name": name}, True
    return _("%(name)s already has an open lead, %(number)s: this report was added to it as another source and "
             "the township was told.") % {"name": name, "number": lead.number}, False


def _open_lead(person_id) -> Lead | None:
    if person_id is None:
        return None
    return (Lead.objects.filter(person_id=person_id, status__in=OPEN_LEAD_STATUSES)
            .select_related("created_by").first())


def _take_lead(*, user, data: dict, recorded_at: dt.datetime, key: str) -> dict:
    # The phone cannot answer the online form's follow-up questions at the door. A name that differs from the
    # registered one is filed as typed, marked 【姓名待核实】 for the township; lateness is judged by when the
    # assistant recorded the report, so the form's own "why late?" (which compares with today) is answered
    # here, and only kept on the lead when the report really was late (docs/DECISIONS.md).
    data = data.copy() if hasattr(data, "copy") else dict(data)
    if not data.get("name_check"):
        data["name_check"] = "reported"
    late_reason = (data.get("late_reason") or "").strip()
    if not late_reason:
        data["late_reason"] = _("Recorded on the phone without a signal; no reason given.")
    form = LeadForm(data=data, user=user)
    if not form.is_valid():
        raise OfflineError(_form_errors(form))
    cleaned = form.cleaned_data
    person = cleaned.get("person")
    if person is None and cleaned.get("id_number"):
        person = Person.objects.filter(id_number=cleaned["id_number"]).first()
    open_before = _open_lead(person.pk if person else None)
    if cleaned.get("unidentified"):  # issue 17 rule 7, as on the online form: a name or a description, where found
        log, who = lead_log_unidentified, {"description": cleaned.get("description", ""),
                                           "found_at": cleaned.get("found_at", "")}
    else:
        log, who = lead_log, {"person": cleaned.get("person"), "id_number": cleaned.get("id_number", ""),
                              "phone": cleaned.get("phone", ""), "name_is_registered": {
                                  "registered": True, "reported": False}.get(cleaned.get("name_check", ""))}
    try:
        lead, merged = log(
            user=user, name=cleaned.get("name", ""), village=cleaned.get("village"), **who,
            method=cleaned["method"], channel=cleaned["channel"], discovered_on=cleaned["discovered_on"],
            suspected_relief=cleaned["suspected_relief"], causes=cleaned["causes"], is_urgent=cleaned["is_urgent"],
            family_situation=cleaned["family_situation"], now=recorded_at, origin=("offline", key),
            late_reason=cleaned.get("late_reason", ""),
        )
    except (IntakeError, ResidentIDError) as exc:
        raise OfflineError(str(exc)) from exc
    message, conflict = _lead_message(lead=lead, merged=merged, user=user, open_before=open_before)
    source = lead.sources.filter(origin_type="offline", origin_id=key).first()
    return {
        "outcome": OfflineOutcome.MERGED if merged else OfflineOutcome.CREATED,
        "lead": lead, "visit": None, "conflict": conflict, "message": message,
        "person": lead.person.name, "discovered_on": cleaned["discovered_on"].isoformat(),
        "late": bool(source.is_late_report) if source else lead.is_late_report,
    }


def _take_visit(*, user, data: dict, recorded_at: dt.datetime, photos: list, key: str) -> dict:
    entry_id = data.get("entry")
    entry = None
    if isinstance(entry_id, int) or (isinstance(entry_id, str) and entry_id.isdigit()):
        entry = scope(user, RosterEntry.objects.select_related("person")).filter(pk=int(entry_id)).first()
    if entry is None:
        raise OfflineError(_("This person is not on the roster of your village; the visit cannot be recorded."))
    form = VisitForm(data=data, entry=entry)
    if not form.is_valid():
        raise OfflineError(_form_errors(form))
    cleaned = form.cleaned_data
    open_before = _open_lead(entry.person_id) if cleaned["found_hardship"] else None
    try:
        visit = roster.visit_log(
            user=user, entry=entry, visited_on=cleaned["visited_on"], mode=cleaned["mode"],
            met_in_person=cleaned["met_in_person"], findings=cleaned["findings"],
            found_hardship=cleaned["found_hardship"], suspected_relief=cleaned["suspected_relief"],
            is_urgent=cleaned["is_urgent"], now=recorded_at)
    except roster.RosterError as exc:
        raise OfflineError(str(exc)) from exc
    for image, width, height in photos:
        photo = VisitPhoto(visit=visit, size=len(image), width=width, height=height, uploaded_by=user)
        photo.image.save("photo.jpg", ContentFile(image), save=False)
        photo.save()
    name = entry.person.name
    message = _("Visit to %(name)s recorded.") % {"name": name}
    conflict = False
    merged = False
    if visit.lead_id:
        lead = visit.lead
        merged = open_before is not None
        lead_message, conflict = _lead_message(lead=lead, merged=merged, user=user, open_before=open_before)
        message = f"{message} {lead_message}"
    return {
        "outcome": OfflineOutcome.MERGED if merged else OfflineOutcome.CREATED,
        "lead": visit.lead, "visit": visit, "conflict": conflict, "message": message, "person": name,
        "discovered_on": cleaned["visited_on"].isoformat(),
        "late": bool(visit.lead and visit.lead.sources.filter(origin_type="intake.Visit", origin_id=str(visit.pk))
                     .values_list("is_late_report", flat=True).first()),
        "photos": len(photos),
    }


def _replay(existing: OfflineSubmission, *, user, checksum: str) -> dict:
    if existing.user_id != user.pk or existing.checksum != checksum:
        raise OfflineKeyReused(_("This record was already received with different content. "
                                 "Please record it again as a new one."))
    return {**existing.answer, "repeat": True}


def offline_submit(*, user, payload: dict, now: dt.datetime | None = None) -> tuple[dict, OfflineSubmission]:
    """Take one record from the phone's queue, once. Returns ``(answer, submission)``.

    The answer is what the phone shows: ``status`` (created / merged), ``message``, ``conflict``,
    ``lead_number``; ``repeat`` when the key had already been taken (then nothing changed).
    """
    if not offline_allowed(user):
        raise OfflineError(_("Only village assistants can send records from the phone."))
    if not isinstance(payload, dict):
        raise OfflineError(_("The record could not be read."))
    key = payload.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise OfflineError(_("The record has no valid key; it cannot be taken safely."))
    kind = payload.get("kind")
    if kind not in OfflineKind.values:
        raise OfflineError(_("The record could not be read."))
    data = payload.get("data")
    if not isinstance(data, dict):
        raise OfflineError(_("The record could not be read."))
    checksum = _checksum(payload)
    existing = OfflineSubmission.objects.filter(key=key).first()
    if existing is not None:
        return _replay(existing, user=user, checksum=checksum), existing
    now = now or timezone.now()
    photos = _clean_photos(payload.get("photos"), kind=kind,
                           keep_location=bool(payload.get("photos")) and keep_photo_location(user))
    recorded_at = recorded_at_for(payload=payload, user=user, now=now)
    try:
        with transaction.atomic():
            if kind == OfflineKind.LEAD:
                taken = _take_lead(user=user, data=data, recorded_at=recorded_at, key=key)
            else:
                taken = _take_visit(user=user, data=data, recorded_at=recorded_at, photos=photos, key=key)
            lead = taken["lead"]
            answer = {
                "key": key, "kind": kind, "status": str(taken["outcome"]), "message": taken["message"],
                "conflict": taken["conflict"], "person": taken["person"], "discovered_on": taken["discovered_on"],
                "late": taken["late"], "lead_number": lead.number if lead else "",
                "recorded_at": recorded_at.isoformat(),
            }
            submission = OfflineSubmission.objects.create(
                key=key, kind=kind, user=user, village_id=user.region_id, checksum=checksum,
                recorded_at=recorded_at, received_at=now, outcome=taken["outcome"], lead=lead,
                visit=taken["visit"], answer=answer,
            )
    except IntegrityError:
        # The same key arrived twice at the same moment: the first one's work stands, this one's rolled back.
        existing = OfflineSubmission.objects.filter(key=key).first()
        if existing is None:
            raise
        return _replay(existing, user=user, checksum=checksum), existing
    return {**answer, "repeat": False}, submission


__all__ = ["OfflineError", "OfflineKeyReused", "offline_allowed", "offline_pack", "offline_submit",
           "recorded_at_for"]
