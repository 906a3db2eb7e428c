"""Department data feeds (DESIGN §6): definitions, deliveries, their rows, deadlines and tokens."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, ScopedQuerySet
from cases.choices import AssistanceStatus
from common.indexes import BrinOnPostgres
from intake.feeds.choices import BatchSource, BatchStatus, ColumnKind, FeedCadence, RowOutcome, RuleKind

FEED_MONEY = {"max_digits": 14, "decimal_places": 2}


class Feed(models.Model):
    """A department's data feed: what it sends, how often, and (in its columns and rules) how it is read."""

    district = models.ForeignKey(Region, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"level": "district"})
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="feeds")
    code = models.SlugField(_("code"), max_length=48,
                            help_text=_("Used by the import command and in the API address; do not change it once "
                                        "departments use it."))
    name = models.CharField(_("name"), max_length=64)
    description = models.TextField(_("what the department sends"), blank=True)
    cadence = models.CharField(_("cadence"), max_length=16, choices=FeedCadence.choices)
    due_day = models.PositiveSmallIntegerField(
        _("monthly feeds: due by this day of the next month"), default=5)
    event_working_days = models.PositiveSmallIntegerField(
        _("event feeds: working days allowed after the event"), default=3)
    event_window_days = models.PositiveSmallIntegerField(
        _("event feeds: a delivery covers events of this many days before it"), default=30)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now,
                                      help_text=_("Deliveries due before this day are not chased."))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("data feed")
        verbose_name_plural = _("data feeds")
        ordering = ["district__code", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="feed_code_once_per_district")]

    def __str__(self) -> str:
        return self.name


class FeedColumn(models.Model):
    """A column the feed's rows carry, with the header names departments really use for it."""

    feed = models.ForeignKey(Feed, verbose_name=_("data feed"), on_delete=models.CASCADE, related_name="columns")
    key = models.SlugField(_("key"), max_length=32,
                           help_text=_("id_number, name, amount, date and address have a meaning to the importer; "
                                       "any other key is kept as text."))
    label = models.CharField(_("header"), max_length=32)
    kind = models.CharField(_("kind"), max_length=16, choices=ColumnKind.choices, default=ColumnKind.TEXT)
    required = models.BooleanField(_("required"), default=False)
    synonyms = models.TextField(_("other header names"), blank=True,
                                help_text=_("One per line (or separated by 、 or commas). Spaces, brackets and units "
                                            "such as （元） are ignored when headers are compared."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("feed column")
        verbose_name_plural = _("feed columns")
        ordering = ["feed", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["feed", "key"], name="feed_column_key_once")]

    def __str__(self) -> str:
        return self.label

    def header_names(self) -> list[str]:
        import re

        names = [self.label, *re.split(r"[\n\r,，、;；]+", self.synonyms or "")]
        return [n.strip() for n in names if n.strip()]


class WarningRule(models.Model):
    """预警规则: when a feed's row raises a lead, with thresholds that may depend on the person's status."""

    feed = models.ForeignKey(Feed, verbose_name=_("data feed"), on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices)
    default_threshold = models.DecimalField(
        _("threshold for everyone else (yuan)"), null=True, blank=True,
        help_text=_("Amount rules: the threshold for people whose status has no threshold of its own below."),
        **FEED_MONEY)
    ratio = models.DecimalField(
        _("ratio"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("Rise: warn when the amount is at least the previous period's times this ratio (e.g. 3). "
                    "Fall: warn when it is at most the previous period's times this ratio (e.g. 0.5)."))
    min_amount = models.DecimalField(
        _("minimum amount (yuan)"), null=True, blank=True,
        help_text=_("Rise: the new amount must reach it. Fall: the previous amount must have reached it."),
        **FEED_MONEY)
    periods = models.PositiveSmallIntegerField(
        _("periods in a row"), null=True, blank=True,
        help_text=_("Below the threshold for several periods: how many periods in a row (e.g. 3)."))
    suspected_relief = models.ManyToManyField("cases.ReliefKind", verbose_name=_("suspected relief"), blank=True,
                                              related_name="+")
    causes = models.ManyToManyField("cases.HardshipCause", verbose_name=_("causes"), blank=True, related_name="+")
    is_urgent = models.BooleanField(_("urgent (急难)"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["feed", "order", "id"]

    def __str__(self) -> str:
        return self.name


class WarningThreshold(models.Model):
    """The threshold of an amount rule for people of one assistance status (Tongling: 特困 1,000 yuan…)."""

    rule = models.ForeignKey(WarningRule, verbose_name=_("warning rule"), on_delete=models.CASCADE,
                             related_name="thresholds")
    assistance_status = models.CharField(_("assistance status"), max_length=24,
                                         choices=AssistanceStatus.choices)
    amount = models.DecimalField(_("threshold (yuan)"), **FEED_MONEY)

    class Meta:
        verbose_name = _("threshold by status")
        verbose_name_plural = _("thresholds by status")
        ordering = ["rule", "amount"]
        constraints = [models.UniqueConstraint(fields=["rule", "assistance_status"], name="threshold_once_per_status")]

    def __str__(self) -> str:
        return f"{self.get_assistance_status_display()} {self.amount}"


def feed_upload_path(instance, filename: str) -> str:
    import os

    from django.utils.crypto import get_random_string

    ext = os.path.splitext(filename)[1].lower()
    now = timezone.localdate()
    return f"feeds/{now:%Y/%m}/{get_random_string(24)}{ext}"


class FeedBatch(models.Model):
    """One delivery of a feed: a file upload, an API push or an operator's import. All or nothing."""

    feed = models.ForeignKey(Feed, verbose_name=_("data feed"), on_delete=models.PROTECT, related_name="batches")
    district = models.ForeignKey(Region, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="+")
    source = models.CharField(_("source"), max_length=16, choices=BatchSource.choices)
    status = models.CharField(_("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.PREVIEW,
                              db_index=True)
    file = models.FileField(_("file"), upload_to=feed_upload_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    checksum = models.CharField(_("checksum"), max_length=64, blank=True, db_index=True)
    duplicate_of = models.ForeignKey("self", verbose_name=_("same content as"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    unchanged_from = models.JSONField(
        _("unchanged rows by earlier delivery"), default=dict, blank=True,
        help_text=_("Which earlier deliveries already brought the rows this one left unchanged: {delivery: rows}."))
    idempotency_key = models.CharField(_("idempotency key"), max_length=128, blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    # What the worker that read an uploaded file found (receiving.batch_read): the page shows it without reading
    # the file again (issue 20: a workbook is never read in a web request).
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    sheet_name = models.CharField(_("sheet"), max_length=64, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), null=True, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_accepted = models.PositiveIntegerField(_("accepted"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rejected"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    leads_raised = models.PositiveIntegerField(_("leads raised"), default=0)
    evidence_added = models.PositiveIntegerField(_("evidence added"), default=0)
    kept_on_file = models.PositiveIntegerField(_("kept on file"), default=0)
    people_created = models.PositiveIntegerField(_("people registered"), default=0)
    transfer_out = models.PositiveIntegerField(_("to transfer out"), default=0)
    rows_late = models.PositiveIntegerField(
        _("late rows"), default=0,
        help_text=_("Event feeds: rows whose event is older than the feed's working days before the delivery."))
    unmatched = models.PositiveIntegerField(_("cannot be matched"), default=0)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task ID"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("delivered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # Set every few seconds by the importing worker (common/heartbeat.py): stale means the worker died.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("data delivery")
        verbose_name_plural = _("data deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                                    name="feed_batch_idempotency_key_once"),
        ]
        indexes = [models.Index(fields=["feed", "status", "period_start"], name="feed_batch_period_idx")]

    def __str__(self) -> str:
        return f"{self.feed.name} #{self.pk}"

    def get_absolute_url(self) -> str:
        from common.links import reverse_pk

        return reverse_pk("intake:feed_batch_detail", self.pk)

    @property
    def is_finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED, BatchStatus.CANCELLED)

    @property
    def file_stem(self) -> str:
        """The file name without its extension (the page shows it; the full name is its tooltip)."""
        import os

        return os.path.splitext(self.file_name)[0]


class FeedRow(models.Model):
    """An accepted row of a delivery, kept on the person's file; the rule that fired and its figures."""

    # No foreign-key constraint in the database on any of FeedRow's references (issue 15, DECISIONS 1000, 1440):
    # each was checked once per stored row at commit, 100,000 lookups (and row locks) per delivery; the import
    # sets them from rows it holds locked in the same transaction. on_delete is the ORM's, as before: deleting a
    # delivery deletes its rows, deleting a feed, person or region with rows is refused, a lead or rule is unset.
    # Indexed by BRIN (Meta, DECISIONS 1570), not by a B-tree entry per row.
    batch = models.ForeignKey(FeedBatch, verbose_name=_("data delivery"), on_delete=models.CASCADE,
                              related_name="rows", db_index=False, db_constraint=False)
    # No index of its own: feed_row_once holds it (after the ID number).
    feed = models.ForeignKey(Feed, verbose_name=_("data feed"), on_delete=models.PROTECT, related_name="+",
                             db_index=False, db_constraint=False)
    row_number = models.PositiveIntegerField(_("row"))
    # The first 16 bytes of the row's sha256 (validation.row_checksum): a quarter of the hex text's size in the
    # row and in feed_row_once, the index every re-delivery is checked against (issue 15: fewer WAL bytes).
    checksum = models.UUIDField(_("checksum"))
    # COLLATE "C" on PostgreSQL (migration 0019, DECISIONS 1490): compared byte by byte in feed_row_once. An
    # AlterField of this column must keep it (Django's ALTER … TYPE would set the default collation again).
    id_number = models.CharField(_("ID number"), max_length=18)
    name = models.CharField(_("full name"), max_length=64)
    amount = models.DecimalField(_("amount (yuan)"), null=True, blank=True, **FEED_MONEY)
    event_date = models.DateField(_("date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    data = models.JSONField(_("other columns"), default=dict, blank=True)
    # Reached by ID number (feed_row_once starts with it), so no index of its own on person.
    person = models.ForeignKey("cases.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="feed_rows", db_index=False,
                               db_constraint=False)
    # No index of its own (issue 15: one index entry fewer per row, a fifth of the rows' index WAL): rows are
    # always listed from their delivery (batch index), scoping then filters those few by region.
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+",
                               db_index=False, db_constraint=False,
                               help_text=_("The person's township, or the district for rows to transfer out."))
    outcome = models.CharField(_("what it led to"), max_length=16, choices=RowOutcome.choices)
    # Lead and rule are set on the few rows that warn: partial indexes (Meta) instead of one entry per row.
    lead = models.ForeignKey("cases.Lead", verbose_name=_("lead"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="feed_rows", db_index=False, db_constraint=False)
    rule = models.ForeignKey(WarningRule, verbose_name=_("warning rule"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+", db_index=False, db_constraint=False)
    warning = models.TextField(_("warning"), blank=True,
                               help_text=_("The rules that fired and their figures, as shown on the lead."))
    is_late = models.BooleanField(_("delivered late"), default=False,
                                  help_text=_("Event feeds: the event is older than the feed allows (seed 003: "
                                              "3个工作日内)."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("data row")
        verbose_name_plural = _("data rows")
        ordering = ["batch", "row_number"]
        # One index for both a row's once-only (the checksum hashes the ID and the feed, so (ID, feed, checksum)
        # is unique exactly when (feed, checksum) is) and the rules' reads of a person's rows of a feed by ID
        # (issue 15, DECISIONS 1441: one random-order index entry fewer per stored row).
        constraints = [models.UniqueConstraint(fields=["id_number", "feed", "checksum"], name="feed_row_once")]
        indexes = [
            # A delivery's rows are stored together, one delivery after another: on PostgreSQL a BRIN index (one
            # summary per 128 pages, new ranges summarised by autovacuum) finds them as a B-tree did, without an
            # index entry per stored row (issue 15, DECISIONS 1570). A B-tree elsewhere.
            BrinOnPostgres(fields=["batch"], autosummarize=True, name="feed_row_batch_brin"),
            models.Index(fields=["lead"], condition=models.Q(lead__isnull=False), name="feed_row_lead_idx"),
            models.Index(fields=["rule"], condition=models.Q(rule__isnull=False), name="feed_row_rule_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"

    @property
    def masked_id_number(self) -> str:
        from common import resident_id

        return resident_id.mask(self.id_number)


class FeedRejectedRow(models.Model):
    """A row of a delivery that could not be accepted, with its row number and the reason in Chinese."""

    batch = models.ForeignKey(FeedBatch, verbose_name=_("data delivery"), on_delete=models.CASCADE,
                              related_name="rejected_rows")
    row_number = models.PositiveIntegerField(_("row"))
    values = models.JSONField(_("values"), default=list)
    reason = models.TextField(_("reason"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")
        ordering = ["batch", "row_number"]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"


class FeedDeadline(models.Model):
    """A delivery a feed owes for one period and its due date; one still missing after it is chased."""

    feed = models.ForeignKey(Feed, verbose_name=_("data feed"), on_delete=models.CASCADE, related_name="deadlines")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_on = models.DateField(_("due"), db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    batch = models.ForeignKey(FeedBatch, verbose_name=_("data delivery"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery deadline")
        verbose_name_plural = _("delivery deadlines")
        ordering = ["-due_on", "feed"]
        constraints = [models.UniqueConstraint(fields=["feed", "period_start", "period_end"],
                                               name="feed_deadline_once_per_period")]

    def __str__(self) -> str:
        return f"{self.feed.name} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

    @property
    def is_late(self) -> bool:
        if self.delivered_at is None:
            return timezone.localdate() > self.due_on
        return timezone.localdate(self.delivered_at) > self.due_on


class FeedToken(models.Model):
    """An API token of one department: its systems push feed deliveries with it. Only a hash is stored."""

    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), on_delete=models.CASCADE,
                                   related_name="feed_tokens")
    name = models.CharField(_("name"), max_length=64, help_text=_("Which system uses it, for example 医保结算系统."))
    prefix = models.CharField(_("token starts with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("department API token")
        verbose_name_plural = _("department API tokens")
        ordering = ["department", "-created_at"]

    def __str__(self) -> str:
        return f"{self.department.short_name} · {self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        import hashlib

        return hashlib.sha256(key.encode()).hexdigest()

    def set_new_key(self) -> str:
        """A new random token (returned once, never stored in clear)."""
        import secrets

        key = secrets.token_urlsafe(32)
        self.prefix = key[:8]
        self.key_hash = self.hash_key(key)
        return key
