"""Reports from the public and volunteers (群众/志愿者求助), taken without a login."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, ScopedQuerySet
from intake.choices import PublicReportStatus


class PublicReport(models.Model):
    """A help request from the public or a volunteer (群众/志愿者求助), no login; pending in the township inbox."""

    reference = models.CharField(_("reference number"), max_length=24, unique=True)
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Region, verbose_name=_("village"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    subject_name = models.CharField(_("name of the person in hardship"), max_length=32)
    subject_id_number = models.CharField(_("their ID number (if known)"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("what happened"))
    is_urgent = models.BooleanField(_("urgent"), default=False)
    reporter_name = models.CharField(_("your name"), max_length=32, blank=True)
    reporter_phone = models.CharField(_("your phone"), max_length=20)
    is_volunteer = models.BooleanField(_("I am a volunteer or social worker"), default=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PublicReportStatus.choices,
                              default=PublicReportStatus.PENDING, db_index=True)
    lead = models.ForeignKey("cases.Lead", verbose_name=_("lead"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    reject_reason = models.TextField(_("reason for rejection"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference
