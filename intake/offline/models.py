"""The assistant's phone without a signal (issue 19): what the server keeps of each record sent from
the phone's queue (the idempotency record) and the photos attached to a visit."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, ScopedQuerySet


class OfflineKind(models.TextChoices):
    LEAD = "lead", _("Lead")
    VISIT = "visit", _("Visit")


class OfflineOutcome(models.TextChoices):
    CREATED = "created", _("New record")
    MERGED = "merged", _("Added to an open lead as evidence")


class OfflineSubmission(models.Model):
    """One record from a phone's queue, taken once: the key the phone chose and what it became.

    Sending the same key again returns this row's answer and changes nothing.
    """

    key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=OfflineKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT,
                             related_name="+")
    village = models.ForeignKey(Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    checksum = models.CharField(_("checksum"), max_length=64)
    recorded_at = models.DateTimeField(_("recorded on the phone at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=8, choices=OfflineOutcome.choices)
    lead = models.ForeignKey("cases.Lead", verbose_name=_("lead"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey("intake.Visit", verbose_name=_("visit"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    answer = models.JSONField(_("answer sent to the phone"), default=dict)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("record sent from a phone")
        verbose_name_plural = _("records sent from phones")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key[:8]}"


def visit_photo_path(instance, filename: str) -> str:
    import uuid

    return f"visit-photos/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.jpg"


class VisitPhoto(models.Model):
    """A photo of a visit for the district's spot checks: a JPEG re-encoded on the server (no EXIF; the GPS tags only
    when the district keeps the photo's location)."""

    visit = models.ForeignKey("intake.Visit", verbose_name=_("visit"), on_delete=models.PROTECT,
                              related_name="photos")
    image = models.FileField(_("photo"), upload_to=visit_photo_path, max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveSmallIntegerField(_("width"))
    height = models.PositiveSmallIntegerField(_("height"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["visit", "id"]

    def __str__(self) -> str:
        return f"{self.visit} #{self.pk}"
