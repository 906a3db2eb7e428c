"""The audit trail of who saw, exported or changed personal data (DESIGN §11).

Append-only: rows cannot be updated or deleted through the ORM, and the admin
shows them read-only. Records are kept at least 3 years (个人信息保护法 §56).
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role


class AuditAction(models.TextChoices):
    LIST = "list", _("Viewed a list")
    DETAIL = "detail", _("Viewed a record")
    EXPORT = "export", _("Exported")
    REVEAL = "reveal", _("Revealed a masked number")
    CHANGE = "change", _("Changed")
    LOGIN = "login", _("Logged in")


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    username = models.CharField(_("username"), max_length=150)
    role = models.CharField(_("role"), max_length=32, blank=True, choices=Role.choices)
    region_code = models.CharField(_("user's region"), max_length=15, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """An Excel export too large to build during the request (DESIGN §7).

    The workbook is written by a Celery task into ``settings.EXPORT_ROOT`` (a
    private directory, never served statically) and downloaded through a view
    that checks the owner and audits again. Files are deleted once expired.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    # What the export is rebuilt from: e.g. {"querystring": "status=reported&township=1"}.
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    source_path = models.CharField(_("requested from"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ExportStatus.choices,
                              default=ExportStatus.QUEUED, db_index=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in total"), default=0)
    # Relative to settings.EXPORT_ROOT.
    file_path = models.CharField(_("file"), max_length=500, blank=True)
    file_name = models.CharField(_("download name"), max_length=200, blank=True)
    file_size = models.BigIntegerField(_("file size"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # Set every few seconds by the writing worker (common/heartbeat.py): stale means the worker died.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="export_owner_recent_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)


# Tasks kept while the broker is down (common/outbox.py).
from .outbox import PendingTask  # noqa: E402,F401
