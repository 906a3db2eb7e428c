"""The 家庭基本情况 of a lead a department's row raises, as a caseworker would write it (issue 14).

"2026年10月住院，个人负担合规费用21,350元（区医疗保障分局报送）": when, what happened, the figure that matters and
who reported it. The warning rule and the row reference are evidence, not the family's situation: they go on the
lead's report (its sources, 备注) and the delivery's row, never into the 家庭基本情况 that the 明细表 prints.
"""
from __future__ import annotations

from decimal import Decimal


from .choices import FeedCadence
from .validation import ParsedRow
from .words import gettext as _

# What the row says happened, by standard feed code (seed 003, seed 000); other feeds say their name.
_EVENTS = {
    "health_inpatient": lambda: _("hospitalised"),
    "medical_inpatient": lambda: _("hospitalised"),
    "medical_yearly": lambda: _("hospital costs of the year"),
    "online_help": lambda: _("asked for help on an online platform"),
    "disaster_accidents": lambda: _("in hardship after a natural disaster or a work accident"),
    "traffic_accidents": lambda: _("in a traffic accident"),
    "fire_losses": lambda: _("suffered heavy losses in a fire"),
    "new_disabled": lambda: _("newly certified as disabled"),
    "new_assistance": lambda: _("newly taken into social assistance"),
    "hardship_complaints": lambda: _("reported family hardship to the citizens' hotline"),
    "poverty_monitoring": lambda: _("reported at risk of falling back into poverty by the paired cadre"),
    "education_aid": lambda: _("applied for student aid"),
    "unemployment": lambda: _("registered as unemployed or in flexible employment"),
}
_LEFT_OUT = {"address", "phone", "hospital", "total_cost"}


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def _when(feed, row: ParsedRow) -> str:
    day = row.event_date
    if day is None:
        return _("%(year)s:") % {"year": row.year} if feed.cadence == FeedCadence.YEARLY else ""
    if feed.cadence == FeedCadence.MONTHLY:
        return _("%(year)s-%(month)s") % {"year": day.year, "month": day.month}
    if feed.cadence == FeedCadence.YEARLY:
        return _("%(year)s:") % {"year": day.year}
    return _("%(year)s-%(month)s-%(day)s") % {"year": day.year, "month": day.month, "day": day.day}


def situation(feed, row: ParsedRow, labels: dict[str, str]) -> str:
    """The family situation a feed row gives its new lead. ``labels``: the feed's column labels by key."""
    event = _EVENTS.get(feed.code)
    head = _("%(when)s%(event)s") % {"when": _when(feed, row), "event": event() if event else feed.name}
    details = []
    if row.amount is not None:
        details.append(_("%(label)s %(amount)s yuan") % {"label": labels.get("amount", _("amount")),
                                                          "amount": _yuan(row.amount)})
    for key, value in row.data.items():
        if key not in _LEFT_OUT and value and key in labels and key != "amount":
            details.append(_("%(label)s: %(value)s") % {"label": labels[key], "value": value[:100]})
    text = "，".join([head, *details])
    return _("%(text)s (reported by %(department)s)") % {"text": text, "department": feed.department.name}
