"""Template tags other apps use: a lead's transfer forms, and a due-date badge.

    {% load referrals_tags %}
    {% lead_transfer_forms lead is_open=… %}  on the lead page: its forms and an "issue" button (while open)
    {% due_badge row.due_on %}          in any list: the date with an overdue / due-soon badge
"""
from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .. import selectors, services
from ..deadlines import DueState, due_state, overdue_working_days

register = template.Library()


@register.inclusion_tag("referrals/tags/lead_transfer_forms.html", takes_context=True)
def lead_transfer_forms(context, lead, is_open=True):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("referrals.view_transferform"):
        return {"visible": False}
    forms = context.get("transfer_forms")  # the case page read them already (selectors.lead_transfer_forms)
    if forms is None or context.get("lead") is not lead:
        forms = list(selectors.lead_transfer_forms(user=user, lead=lead))
    can_issue = services.can_issue(user) and is_open
    return {
        "visible": True,
        "forms": forms,
        "lead": lead,
        "can_issue": can_issue,
        "issue_url": f"{reverse('referrals:transferform_create')}?lead={lead.pk}",
    }


@register.simple_tag
def due_badge(due_on, done=False):
    """The due date, with a red "N working days overdue" or a yellow "due soon" badge while not done."""
    if due_on is None:
        return "—"
    text = f"{due_on:%Y-%m-%d}"
    if done:
        return text
    state = due_state(due_on)
    if state == DueState.OVERDUE:
        days = overdue_working_days(due_on)
        label = _("%(days)s working days overdue") % {"days": days} if days else _("Overdue")
        return format_html('{} <span class="badge text-bg-danger">{}</span>', text, label)
    if state == DueState.DUE_SOON:
        return format_html('{} <span class="badge text-bg-warning">{}</span>', text, _("Due soon"))
    return text


@register.inclusion_tag("referrals/tags/calendar_unknown.html")
def calendar_unknown(due_on, since=None):
    """A warning beside a due date that falls in (or counts through) a year whose 调休 notice is not entered:
    the date counts the statutory holidays but not the State Council's make-up days (referrals.workdays)."""
    from django.utils import timezone

    from ..workdays import WorkCalendar

    if due_on is None:
        return {"years": []}
    import datetime as dt

    start = since or timezone.localdate()
    if isinstance(start, dt.datetime):
        start = timezone.localdate(start) if timezone.is_aware(start) else start.date()
    return {"years": WorkCalendar().unknown_years_between(min(start, due_on), max(start, due_on))}
