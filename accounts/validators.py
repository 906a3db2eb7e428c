"""Password rules (settings.AUTH_PASSWORD_VALIDATORS), every message in Chinese."""
from __future__ import annotations

import re

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """A password must mix at least three of: upper case, lower case, digits, symbols."""

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _("The password must mix at least three of: upper-case letters, lower-case letters, digits and symbols."),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Use at least three of: upper-case letters, lower-case letters, digits and symbols.")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a message from our own catalogue (Django's plural message showed in English)."""

    def get_error_message(self) -> str:
        return _("The password is too short: it must have at least %(min_length)d characters.") % {
            "min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("At least %(min_length)d characters.") % {"min_length": self.min_length}


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, also against the word under the decoration people add to pass
    the character rules: ``Password123!`` is ``password`` with digits and a symbol."""

    DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")

    def validate(self, password: str, user=None) -> None:
        word = password.lower().strip()
        stem = self.DECORATION.sub("", word)
        if word in self.passwords or (len(stem) >= 4 and stem in self.passwords):
            raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_error_message(self) -> str:
        return _("This password is too common (a common word with digits or symbols around it counts too).")

    def get_help_text(self) -> str:
        return _("Not a common password.")


class PasswordReuseValidator:
    """A new password may not be the current one or one of the last ``count`` (their hashes are kept)."""

    def __init__(self, count: int = 5):
        self.count = count

    def _earlier_hashes(self, user) -> list[str]:
        from .models import PasswordHistory

        hashes = [user.password] if user.password else []
        hashes += list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:self.count])
        return hashes

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        if any(check_password(password, encoded) for encoded in self._earlier_hashes(user)):
            raise ValidationError(
                _("This password was used before: choose one you have not used for your last %(count)d passwords.")
                % {"count": self.count}, code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        """Called after a new password is saved: its hash joins the history, which keeps the last ``count``."""
        from .models import PasswordHistory

        if user is None or user.pk is None or not user.password:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[:self.count]
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()

    def get_help_text(self) -> str:
        return _("Not one of your last %(count)d passwords.") % {"count": self.count}
