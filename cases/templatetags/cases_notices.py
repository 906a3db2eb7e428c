"""The case page's panel for the notices' rules of issue 17 (the voluntary principle…)."""
from __future__ import annotations

from django import template
from django.utils import timezone

from .. import voluntary

register = template.Library()


@register.inclusion_tag("cases/_notices.html", takes_context=True)
def lead_notices(context, lead):
    request = context.get("request")
    user = getattr(request, "user", None)
    # The case page read the lead's current investigation already (selectors.lead_case): used, not read twice.
    known = {"investigation": context.get("investigation")} if "investigations" in context else {}
    since = voluntary.unwilling_since(person=lead.person, lead=lead, **known)
    change = voluntary.change_of_mind_after(person=lead.person, moment=since) if since else None
    actions = context.get("actions") or ()
    from ..views_voluntary import ChangeOfMindForm

    from .. import applications
    from ..models import ApplicationHelp

    help_task = ApplicationHelp.objects.filter(lead=lead).first()
    return {
        "help_task": help_task, "needs_help": applications.needs_help(lead, **known),
        "can_help": bool(user) and lead.is_open and getattr(user, "role", "") in applications.HELPER_ROLES,
        "today": timezone.localdate(),
        "lead": lead, "user": user, "unwilling_since": since, "change_of_mind": change,
        "can_record": bool(since) and not change and lead.is_open and "outcome" in actions,
        "actions": actions,
        "form": ChangeOfMindForm(initial={"stated_on": timezone.localdate()}),
        "csrf_token": context.get("csrf_token"), "request": request,
    }


@register.inclusion_tag("cases/_outcome_notice.html", takes_context=True)
def outcome_notice(context, outcome, actions=()):
    """告知 on one outcome of the case page: when and how the person was told, or a form to record it."""
    from ..choices import ExplanationMode
    from ..informing import DECIDED

    from ..applications import PUBLICITY_KINDS

    user = getattr(context.get("request"), "user", None)
    return {
        "can_receive_filing": bool(outcome.filing_due_on) and not outcome.filing_received_on
        and getattr(user, "role", "") in ("district_staff", "district_head"),
        "publicity": outcome.kind in PUBLICITY_KINDS,
        "can_publicity": outcome.kind in PUBLICITY_KINDS and "outcome" in (actions or ()),
        "o": outcome, "decided": outcome.status in DECIDED, "modes": ExplanationMode.choices,
        "can_record": outcome.status in DECIDED and "follow_up" in (actions or ()),
        "today": timezone.localdate(), "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("cases/_responsible_cadres.html", takes_context=True)
def responsible_cadres(context, person):
    """包村 / 包户: who is responsible for this person (shown on leads and roster entries); the township (or the
    village's assistant) assigns the household's cadre here."""
    from ..assignments import can_assign, responsible_for
    from ..models import CadreAssignment

    request = context.get("request")
    user = getattr(request, "user", None)
    return {"cadres": responsible_for(person=person), "person": person,
            "can_assign": bool(user) and person.household_id is not None and not person.is_unidentified
            and can_assign(user, CadreAssignment.Kind.HOUSEHOLD),
            "next": request.get_full_path() if request else "", "csrf_token": context.get("csrf_token")}
