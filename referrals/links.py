"""The signed, single-purpose answer link of a transfer form (for recipients without an account).

The token names one form (its id and a random nonce kept on the form) and is
signed with the site's secret (``django.core.signing``). It opens that form's
answer page and nothing else; it stops working when the form is closed or when
``link_expires_at`` has passed (set at issue from the kind, changeable in the
admin). Changing the nonce revokes every printed link of the form.
"""
from __future__ import annotations

import datetime as dt

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import TransferStatus
from .models import TransferForm

SALT = "referrals.transfer-form.answer-link"


class AnswerLinkError(Exception):
    """The link cannot be used; the message says why, for the person holding it."""


def answer_link_token(form: TransferForm) -> str:
    return signing.Signer(salt=SALT).sign_object({"f": form.pk, "n": form.link_nonce}, compress=False)


def form_for_answer_link(token: str, *, now: dt.datetime | None = None) -> TransferForm:
    """The form the token opens, or AnswerLinkError (bad signature, closed or expired)."""
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
        pk, nonce = int(payload["f"]), str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise AnswerLinkError(_("This link is not valid.")) from None
    form = (TransferForm.objects.select_related("lead", "kind", "from_region", "to_region", "to_department")
            .filter(pk=pk, link_nonce=nonce).first())
    if form is None:
        raise AnswerLinkError(_("This link is not valid."))
    if form.status == TransferStatus.CLOSED:
        raise AnswerLinkError(_("This transfer form has been closed; the link no longer works."))
    if (now or timezone.now()) > form.link_expires_at:
        raise AnswerLinkError(_("This link has expired. Please contact the office that issued the form."))
    return form
