"""People of the notices (issue 17): village assistants with their appointments and training (rule 2), and the
cadres assigned to villages and households (rule 3)."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Region, ScopedQuerySet


class AssistantBackground(models.TextChoices):
    """Seed 001: "统筹村（社区）“两委”班子成员、公益性岗位人员、社会工作专业人才等方式"."""

    COMMITTEE = "committee", _("Member of the village committees (两委)")
    PUBLIC_POST = "public_post", _("Public-welfare post (公益性岗位)")
    SOCIAL_WORKER = "social_worker", _("Social worker (社会工作者)")
    OTHER = "other", _("Other")


class AssistantAppointment(models.Model):
    """A village's social assistance assistant (村(社区)社会救助协理员), appointed by the township (seed 001:
    "确保每个村（社区）至少有一名社会救助协理员")."""

    village = models.ForeignKey(Region, verbose_name=_("village"), on_delete=models.PROTECT,
                                related_name="assistant_appointments", limit_choices_to={"level": "village"})
    name = models.CharField(_("name"), max_length=32)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="assistant_appointments")
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    background = models.CharField(_("background"), max_length=16, choices=AssistantBackground.choices,
                                  default=AssistantBackground.COMMITTEE)
    appointed_on = models.DateField(_("appointed on"))
    ended_on = models.DateField(_("appointment ended on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("village assistant appointment")
        verbose_name_plural = _("village assistants (协理员)")
        ordering = ["village__code", "-appointed_on"]

    def __str__(self) -> str:
        return f"{self.village.name} · {self.name}"


class AssistantTraining(models.Model):
    """One training of an assistant by the township (seed 001: "乡镇（街道）负责…管理和具体业务培训")."""

    appointment = models.ForeignKey(AssistantAppointment, verbose_name=_("assistant"), on_delete=models.CASCADE,
                                    related_name="trainings")
    trained_on = models.DateField(_("date of training"))
    topic = models.CharField(_("topic"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=0)
    given_by = models.CharField(_("given by"), max_length=64, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assistant training")
        verbose_name_plural = _("assistant trainings")
        ordering = ["-trained_on", "id"]

    def __str__(self) -> str:
        return f"{self.appointment.name} · {self.trained_on:%Y-%m-%d} · {self.topic}"


