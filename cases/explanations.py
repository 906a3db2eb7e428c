"""Explaining the policy to those who get no relief (seed 002: "对不符合条件的，现场给予政策解释"; issue 17 rule 9).

A 不符合救助条件 outcome records, as a 本人不愿申请 one does, that the policy was explained: when and how. The
outcome is built and checked by cases.services; this adds the explanation's rule for both kinds.
"""
from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .choices import ExplanationMode, OutcomeKind
from .models import Outcome
from .writing import LeadError

EXPLAINED_KINDS = (OutcomeKind.NOT_ELIGIBLE, OutcomeKind.DECLINED)


def outcome_policy_explanation(*, outcome: Outcome, policy_explained: bool, explained_on: dt.date | None,
                               explained_how: str) -> None:
    """Check and set the explanation on an unsaved outcome: required (date and how) for 不符合救助条件; the how is
    kept for 本人不愿申请 when given (its date was already required)."""
    if outcome.kind not in EXPLAINED_KINDS:
        return
    explained_how = explained_how or ""
    if explained_how and explained_how not in ExplanationMode.values:
        raise LeadError(_("Please choose how the policy was explained."))
    if outcome.kind == OutcomeKind.NOT_ELIGIBLE:
        if not policy_explained or explained_on is None or not explained_how:
            raise LeadError(_("When the family is not eligible, record that the policy was explained to them: when "
                              "and how (on site, by phone or in writing)."))
        outcome.policy_explained = True
        outcome.explained_on = explained_on
    outcome.explained_how = explained_how
