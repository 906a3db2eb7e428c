"""Plausibility checks every form shares: dates, phone numbers, the length of free text (issue 20 item 10)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
# Free text a person types (a family's situation, an investigation's findings): about ten pages of Chinese.
# Far below Excel's 32,767 characters a cell, so an export never has to cut what a form accepted.
TEXT_MAX_LENGTH = 5000

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")  # area code (3–4 digits, leading 0) + 7–8 digits


def validate_plausible_date(value) -> None:
    """No 0001-01-01 or 9999-12-31: every date field of every form (set as forms.DateField's default
    validator in common/apps.py) takes 1900–2100."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if isinstance(day, dt.date) and not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("The date %(date)s is not plausible: enter a date between %(earliest)s and %(latest)s.")
            % {"date": day.isoformat(), "earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            code="implausible_date")


def phone_normalize(raw: str) -> str:
    """A mainland mobile (13812345678) or a landline with its area code (0533-4123456), normalised; ``""`` for
    nothing. Full-width digits, spaces, dashes, brackets and a leading +86/0086 are accepted on input.
    Raises ValidationError (in Chinese) for anything else, ``<script>`` included."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        return ""
    if re.search(r"[^\d\s\-()+]", text):
        raise ValidationError(_("A phone number may only contain digits and dashes."), code="phone")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+86") or text.startswith("0086"):
        digits = digits[2:] if text.startswith("+") else digits[4:]
        if digits[:1] != "1":  # +86 533 4123456: the area code loses its 0 abroad
            digits = "0" + digits
    if _MOBILE.match(digits):
        return digits
    if _LANDLINE.match(digits):
        area_len = 3 if digits[1] in "12" else 4  # 010, 02x; otherwise 0xxx
        number = digits[area_len:]
        if 7 <= len(number) <= 8:
            return f"{digits[:area_len]}-{number}"
    raise ValidationError(_("Please enter an 11-digit mobile number, or a landline number with its area code "
                            "(for example 0533-4123456)."), code="phone")
