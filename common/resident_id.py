"""Resident identity numbers (居民身份证号码, GB 11643-1999), in one place.

An ID is 6 address digits, the birth date as YYYYMMDD, a 3-digit sequence
(odd 17th digit = male) and a check character computed by ISO 7064 MOD 11-2.
Input is normalised before it is checked: full-width digits and letters become
half-width (NFKC), every kind of space is removed, and a lowercase ``x`` becomes
``X``. Errors are :class:`ResidentIDError` with a Chinese message naming what is
wrong. An unknown address code is not an error (codes get retired).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SPACES = re.compile(r"[\s\u200b\u2060\ufeff]+")


class ResidentIDError(ValidationError):
    """An ID number that cannot be accepted; ``message`` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message, code="invalid_resident_id")

    def __str__(self) -> str:
        return self.messages[0]


class Sex:
    MALE = "M"
    FEMALE = "F"


@dataclass(frozen=True)
class ResidentID:
    number: str
    birth_date: dt.date
    sex: str  # Sex.MALE or Sex.FEMALE

    @property
    def address_code(self) -> str:
        return self.number[:6]


MAX_AGE_YEARS = 130  # the oldest person on record lived 122 years


def normalize(raw: str) -> str:
    """Full-width to half-width, spaces removed, ``x`` upper-cased. Does not validate."""
    text = unicodedata.normalize("NFKC", raw or "")
    return _SPACES.sub("", text).upper()


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def parse(raw: str, *, today: dt.date | None = None) -> ResidentID:
    """Normalise and validate; return the number with its birth date and sex."""
    number = normalize(raw)
    if not number:
        raise ResidentIDError(_("Please enter the ID number."))
    if len(number) != 18:
        raise ResidentIDError(
            _("An ID number has 18 characters; this one has %(count)d.") % {"count": len(number)}
        )
    for position, char in enumerate(number[:17], start=1):
        if not char.isascii() or not char.isdigit():
            raise ResidentIDError(
                _("Character %(position)d of the ID number, “%(char)s”, is not a digit.")
                % {"position": position, "char": char}
            )
    last = number[17]
    if not (last.isascii() and (last.isdigit() or last == "X")):
        raise ResidentIDError(
            _("The last character of the ID number must be a digit or X, not “%(char)s”.") % {"char": last}
        )
    birth_text = number[6:14]
    try:
        birth_date = dt.date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:8]))
    except ValueError:
        raise ResidentIDError(
            _("The birth date in the ID number, %(date)s, is not a real date.") % {"date": birth_text}
        ) from None
    today = today or timezone.localdate()
    if birth_date > today:
        raise ResidentIDError(
            _("The birth date in the ID number, %(date)s, is in the future.") % {"date": birth_date.isoformat()}
        )
    if birth_date.year < today.year - MAX_AGE_YEARS:
        # Nobody living was born then: a typing error in the year (18xx for 19xx) or a made-up number.
        raise ResidentIDError(
            _("The birth year in the ID number, %(year)d, is not plausible: nobody living was born before "
              "%(earliest)d. Please check the number.") % {"year": birth_date.year,
                                                           "earliest": today.year - MAX_AGE_YEARS})
    expected = check_char(number[:17])
    if last != expected:
        raise ResidentIDError(
            _("The check character of the ID number is wrong: the last character should be %(expected)s, not %(actual)s. Please check each digit.")
            % {"expected": expected, "actual": last}
        )
    sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return ResidentID(number=number, birth_date=birth_date, sex=sex)


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except ResidentIDError:
        return False
    return True


def validate(value: str) -> None:
    """A model/form field validator."""
    parse(value)


def build(address_code: str, birth_date: dt.date, sequence: int) -> str:
    """A valid ID from its parts (demo data and tests). ``sequence`` is 0–999."""
    first17 = f"{address_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def mask(number: str) -> str:
    """First 6 and last 4 characters shown (DESIGN §11): 370304********123X."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """Phone numbers keep their first 3 and last 4 digits: 138****1234."""
    if not phone or len(phone) < 8:
        return "*" * len(phone or "")
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
