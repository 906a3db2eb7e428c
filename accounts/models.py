"""Users, their roles, the region tree and the departments."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .choices import ROLE_REGION_LEVEL, RegionLevel, Role

# Length of a region's scope prefix by level: 6 digits county, 9 township,
# 12 village (national codes); villager groups add 3 local digits (DESIGN §2).
PREFIX_LENGTH = {
    RegionLevel.DISTRICT: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
    RegionLevel.GROUP: 15,
}


class ScopedQuerySet(models.QuerySet):
    """A queryset that can restrict itself to what a user may see."""


class Region(models.Model):
    """A node of district → township/street → village/community → villager group.

    ``code`` is the 12-digit statistical division code (统计用区划代码) for the
    national levels; a villager group, which has no national code, gets its
    village's code plus a 3-digit local number. A region's scope is its code
    prefix, so "everything under X" is one indexed ``LIKE 'prefix%'``.
    """

    code = models.CharField(_("division code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent region"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    phone = models.CharField(
        _("office phone"), max_length=40, blank=True,
        help_text=_("The social assistance office's number, printed on the public report page, its thank-you page "
                    "and the QR-code poster (for a township or street)."))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    @property
    def district_code(self) -> str:
        return self.code[:6]

    def contains(self, other: Region) -> bool:
        return other.code.startswith(self.scope_prefix)


class Department(models.Model):
    """A department that pushes data feeds and answers transfer forms (DESIGN §6)."""

    district = models.ForeignKey(
        Region, verbose_name=_("district"), on_delete=models.PROTECT,
        related_name="departments", limit_choices_to={"level": RegionLevel.DISTRICT},
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=64)
    short_name = models.CharField(_("short name"), max_length=16)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["district__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="department_unique_code_per_district"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff account: one role, one region (department liaisons also one department)."""

    full_name = models.CharField(_("full name"), max_length=32, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="users",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    must_change_password = models.BooleanField(
        _("must change password"), default=False,
        help_text=_("Set for accounts created by an administrator; cleared when the user sets a password."),
    )

    objects = UserManager()
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @cached_property
    def scope_prefix(self) -> str:
        return self.region.scope_prefix

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.role and self.region_id:
            expected = ROLE_REGION_LEVEL[Role(self.role)]
            if self.region.level != expected:
                errors["region"] = _("A %(role)s account must belong to a region of level %(level)s.") % {
                    "role": Role(self.role).label, "level": RegionLevel(expected).label,
                }
        if self.role == Role.DEPARTMENT_LIAISON and not self.department_id:
            errors["department"] = _("A department liaison must belong to a department.")
        if self.role != Role.DEPARTMENT_LIAISON and self.department_id:
            errors["department"] = _("Only department liaisons belong to a department.")
        if self.department_id and self.region_id and self.department.district_id != self.region_id:
            errors["department"] = _("The department must be in the user's district.")
        if errors:
            raise ValidationError(errors)


class PasswordHistory(models.Model):
    """The hashes of a user's earlier passwords (never the passwords): a new one may not repeat them."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set"), auto_now_add=True)

    class Meta:
        verbose_name = _("earlier password")
        verbose_name_plural = _("earlier passwords")
        ordering = ["-created_at", "-id"]
