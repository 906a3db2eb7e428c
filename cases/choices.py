from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class AssistanceStatus(models.TextChoices):
    """A person's current assistance status (DESIGN §3; low-income groups of 国办发〔2023〕39号)."""

    NONE = "none", _("None")
    DIBAO = "dibao", _("Minimum living allowance (低保)")
    TEKUN = "tekun", _("Extreme poverty support (特困)")
    DIBAO_EDGE = "dibao_edge", _("Near minimum-allowance family (低保边缘)")
    RIGID_EXPENSE = "rigid_expense", _("Rigid-expense hardship (刚性支出困难)")
    POVERTY_MONITORING = "poverty_monitoring", _("Return-to-poverty monitoring (防返贫监测)")
    OTHER_LOW_INCOME = "other_low_income", _("Other people in hardship")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other")


class DisabilityGrade(models.IntegerChoices):
    GRADE_1 = 1, _("Grade 1")
    GRADE_2 = 2, _("Grade 2")
    GRADE_3 = 3, _("Grade 3")
    GRADE_4 = 4, _("Grade 4")

