"""The eligibility hint (预判): what relief a household looks eligible for, with the arithmetic.

Only a hint for the caseworker. It never decides anything and nothing acts on it
automatically (个人信息保护法 §24 on automated decisions): outcomes are recorded
by a person, who may follow the hint or not.

The rules (DESIGN §12), each with its figures shown:

* 城乡低保: income per person per month below the local 低保 standard (urban or rural);
* 特困供养: in addition, unable to work, no one to support them, and old (60+), a minor
  (under 16) or disabled;
* 低保边缘: not on 低保, income per person below ``edge_multiplier`` × the standard;
* 刚性支出困难: neither of the above, income per person below last year's local disposable
  income per person, and rigid spending above ``rigid_expense_share`` of the income over
  the last 12 months;
* 临时救助: temporary hardship or an urgent (急难) lead; the normal cap is shown;
* 专项救助: medical and education spending, disaster and unemployment causes point to the
  special relief to refer to;
* seed 001: a household with some members on 低保 that is still in hardship is offered
  whole-household inclusion.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .choices import AssistanceStatus, DifficultyClass, Health, LabourCapacity, OutcomeKind, ReferralKind

CENT = Decimal("0.01")


def money(value) -> str:
    return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):,}"


@dataclass
class Suggestion:
    code: str  # an OutcomeKind, or "monitoring:<group>", or "referral:<kind>"
    label: str
    reason: str


@dataclass
class Hint:
    complete: bool
    missing: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    whole_household: bool = False
    monitoring_group: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def eligibility_hint(*, investigation, lead, settings, household_statuses: list[str] | None = None) -> Hint:
    """The hint for one investigation. ``household_statuses``: the current statuses of the household's members."""
    inv = investigation
    missing = []
    if inv is None or inv.income_12m is None:
        missing.append(_("household income over the last 12 months"))
    if inv is None or not inv.household_size:
        missing.append(_("people in the household"))
    if missing:
        return Hint(complete=False, missing=missing)

    size = Decimal(inv.household_size)
    income = Decimal(inv.income_12m)
    monthly_pc = (income / 12 / size).quantize(CENT, rounding=ROUND_HALF_UP)
    annual_pc = (income / size).quantize(CENT, rounding=ROUND_HALF_UP)
    area_label = inv.get_area_display()
    standard = settings.dibao_standard(inv.area)
    hint = Hint(complete=True)
    lines = hint.lines
    lines.append(_("Income per person per month: %(income)s ÷ 12 months ÷ %(size)s people = %(pc)s yuan.") % {
        "income": money(income), "size": inv.household_size, "pc": money(monthly_pc)})

    statuses = household_statuses or []
    person_status = lead.person.assistance_status
    on_dibao = person_status in (AssistanceStatus.DIBAO, AssistanceStatus.TEKUN)

    # 低保
    below_dibao = monthly_pc < standard
    lines.append(_("%(area)s 低保 standard: %(standard)s yuan per person per month; %(pc)s %(cmp)s %(standard)s.") % {
        "area": area_label, "standard": money(standard), "pc": money(monthly_pc), "cmp": "<" if below_dibao else "≥"})
    # 特困
    unable = inv.labour_capacity == LabourCapacity.NONE
    age = lead.person.age
    eligible_group = age >= 60 or age < 16 or inv.health == Health.DISABLED or bool(lead.person.disability_grade)
    no_support = any(c.code == "no_support" for c in inv.causes.all()) if inv.pk else False
    if below_dibao and unable and eligible_group and no_support:
        hint.suggestions.append(Suggestion(
            OutcomeKind.TEKUN, _("特困 support"),
            _("Income below the 低保 standard, unable to work, no one to support them, and aged %(age)s or "
              "disabled.") % {"age": age}))
    if below_dibao and person_status != AssistanceStatus.DIBAO:
        hint.suggestions.append(Suggestion(OutcomeKind.DIBAO, _("低保"),
                                           _("Income per person below the 低保 standard.")))
    # seed 001: some members on 低保, household still in hardship → whole household.
    some_on_dibao = AssistanceStatus.DIBAO in statuses and any(s != AssistanceStatus.DIBAO for s in statuses)
    if some_on_dibao and below_dibao:
        hint.whole_household = True
        lines.append(_("Some members of the household are on 低保 and it is still in hardship: consider including "
                       "the whole household (整户纳入)."))

    # 低保边缘
    edge_limit = (standard * settings.edge_multiplier).quantize(CENT, rounding=ROUND_HALF_UP)
    if not below_dibao:
        is_edge = monthly_pc < edge_limit
        lines.append(_("低保边缘 limit: %(standard)s × %(mult)s = %(limit)s yuan; %(pc)s %(cmp)s %(limit)s.") % {
            "standard": money(standard), "mult": settings.edge_multiplier, "limit": money(edge_limit),
            "pc": money(monthly_pc), "cmp": "<" if is_edge else "≥"})
        if is_edge and not on_dibao:
            hint.monitoring_group = AssistanceStatus.DIBAO_EDGE
            hint.suggestions.append(Suggestion(
                f"{OutcomeKind.MONITORING}:{AssistanceStatus.DIBAO_EDGE}", _("低保边缘 (low-income monitoring)"),
                _("Income per person between the 低保 standard and %(mult)s times it.") % {
                    "mult": settings.edge_multiplier}))
        elif not on_dibao:
            # 刚性支出困难
            rigid = inv.rigid_expense_12m
            disposable = settings.disposable_income(inv.area)
            limit = (income * settings.rigid_expense_share).quantize(CENT, rounding=ROUND_HALF_UP)
            below_disposable = annual_pc < disposable
            over_share = rigid > limit
            lines.append(_("Rigid expenses over 12 months: medical %(medical)s + education %(education)s + other "
                           "%(other)s = %(rigid)s yuan; %(share)s of the income is %(limit)s; %(rigid)s %(cmp)s "
                           "%(limit)s.") % {
                "medical": money(inv.medical_expense_12m), "education": money(inv.education_expense_12m),
                "other": money(inv.other_rigid_expense_12m), "rigid": money(rigid),
                "share": f"{(settings.rigid_expense_share * 100).normalize():f}%", "limit": money(limit),
                "cmp": ">" if over_share else "≤"})
            lines.append(_("Income per person per year %(pc)s %(cmp)s last year's %(area)s disposable income per "
                           "person %(disposable)s.") % {
                "pc": money(annual_pc), "cmp": "<" if below_disposable else "≥", "area": area_label,
                "disposable": money(disposable)})
            if over_share and below_disposable:
                hint.monitoring_group = AssistanceStatus.RIGID_EXPENSE
                hint.suggestions.append(Suggestion(
                    f"{OutcomeKind.MONITORING}:{AssistanceStatus.RIGID_EXPENSE}",
                    _("刚性支出困难 (low-income monitoring)"),
                    _("Rigid spending above the share of income, income below last year's disposable income.")))

    # 临时救助
    if inv.difficulty_class == DifficultyClass.TEMPORARY or lead.is_urgent:
        hint.suggestions.append(Suggestion(
            OutcomeKind.TEMPORARY, _("Temporary relief"),
            _("Temporary or urgent hardship; the normal cap of one relief is %(cap)s yuan, more is decided case "
              "by case by the district head.") % {"cap": money(settings.temporary_relief_cap)}))

    # 专项救助
    cause_codes = {c.code for c in inv.causes.all()} if inv.pk else set()
    if inv.medical_expense_12m and inv.medical_expense_12m > 0 and (
            inv.health in (Health.SERIOUS, Health.CHRONIC) or "illness" in cause_codes):
        hint.suggestions.append(Suggestion(
            f"{OutcomeKind.REFERRAL}:{ReferralKind.MEDICAL}", _("Medical relief"),
            _("Medical expenses of %(amount)s yuan over 12 months.") % {"amount": money(inv.medical_expense_12m)}))
    if inv.education_expense_12m and inv.education_expense_12m > 0:
        hint.suggestions.append(Suggestion(
            f"{OutcomeKind.REFERRAL}:{ReferralKind.EDUCATION}", _("Education relief"),
            _("Education expenses of %(amount)s yuan over 12 months.") % {
                "amount": money(inv.education_expense_12m)}))
    if "disaster" in cause_codes:
        hint.suggestions.append(Suggestion(f"{OutcomeKind.REFERRAL}:{ReferralKind.DISASTER}",
                                           _("Relief for disaster victims"), _("Hardship caused by a disaster.")))
    if "unemployment" in cause_codes and inv.labour_capacity != LabourCapacity.NONE:
        hint.suggestions.append(Suggestion(f"{OutcomeKind.REFERRAL}:{ReferralKind.EMPLOYMENT}",
                                           _("Employment relief"), _("Out of work but able to work.")))
    if not hint.suggestions:
        lines.append(_("The figures do not point to any relief; if the family is still in real hardship, consider "
                       "the observation list."))
    return hint
