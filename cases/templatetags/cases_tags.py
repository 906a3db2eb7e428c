"""Small template helpers of the case pages."""
from django import template

from cases.eligibility import money

register = template.Library()


@register.filter
def yuan(value) -> str:
    """An amount as the hint writes it: thousands grouped, two decimals (18,000.00)."""
    if value is None or value == "":
        return "—"
    return money(value)
