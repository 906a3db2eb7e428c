"""集中排查 (seed 000, issue 17 rule 6): a declared screening and the people it must visit."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Region, ScopedQuerySet


class ScreeningCampaign(models.Model):
    """集中排查 (seed 000: "在辖区发生疫情灾情等突发事件期间开展集中排查，及时发现生活陷入困境的困难群众"): the district
    declares an area, a reason and a period; every key-roster person and every household flagged for it in the area
    is visited within the period (intake/screenings/)."""

    area = models.ForeignKey(Region, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("declared by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("concentrated screening (集中排查)")
        verbose_name_plural = _("concentrated screenings (集中排查)")
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.area.name} · {self.reason} · {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"


class CampaignTarget(models.Model):
    """One person to be visited in a campaign: a key-roster person, or the head of a household flagged for it."""

    campaign = models.ForeignKey(ScreeningCampaign, verbose_name=_("concentrated screening"),
                                 on_delete=models.CASCADE, related_name="targets")
    person = models.ForeignKey("cases.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    from_roster = models.BooleanField(_("on the key roster"), default=False)
    due_on = models.DateField(_("visit due"), db_index=True)
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    visit = models.ForeignKey("Visit", verbose_name=_("visit"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("person to visit in a screening")
        verbose_name_plural = _("people to visit in screenings")
        ordering = ["village__code", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="campaign_target_once")]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.campaign.reason}"
