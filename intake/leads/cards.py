"""The inbox's lead cards, written in Python (issue 15: the inbox was the heaviest page of the load test).

The inbox shows up to 100 new leads, each a card with a link, badges, three forms and their buttons. Rendered
as an ``{% include %}`` per lead, the template engine resolved ≈ 80 variables, three ``{% url %}``s and nine
``{% translate %}``s per card: two thirds of the page's Python. :func:`inbox_cards` writes the same markup as
``templates/intake/_inbox_lead.html`` — which stays the reference: ``tests/intake/test_inbox_cards.py`` renders
both for leads of every shape and compares them — with the URLs reversed once per page (the lead's pk put in),
the labels translated once per page, and the number of reports counted by the query, not read.
"""
from __future__ import annotations

import html
from collections.abc import Iterable

from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext

_PK = 2147483646  # a placeholder pk in a reversed URL, replaced by each lead's


def _e(value) -> str:
    """``{{ value }}`` of a string or a whole number: ``conditional_escape`` without its lazy-text wrapper
    (Django's ``escape`` is ``html.escape`` of the text)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _ymd(day) -> str:
    """``{{ day|date:"Y-m-d" }}`` of a date or None."""
    return "" if day is None else f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def _md_hm(moment) -> str:
    """``{{ moment|date:"m-d H:i" }}`` of an aware datetime (shown in the current time zone) or None."""
    if moment is None:
        return ""
    moment = template_localtime(moment)
    return f"{moment.month:02d}-{moment.day:02d} {moment.hour:02d}:{moment.minute:02d}"


def _labels() -> dict[str, str]:
    return {
        "urgent": _e(gettext("Urgent (急难)")),
        "discovered": _e(gettext("discovered")),
        "late": _e(gettext("Late report")),
        "accept": _e(gettext("Accept")),
        "merge": _e(gettext("Merge")),
        "reject": _e(gettext("Reject")),
        "merge_into": _e(gettext("Lead number to merge into")),
        "reason": _e(gettext("Reason for rejection")),
    }


def _split(url: str) -> tuple[str, str]:
    before, _, after = url.partition(str(_PK))
    return _e(before), _e(after)


def _action_urls() -> dict[str, tuple[str, str]]:
    """Each action's URL, and the lead's page (``Lead.get_absolute_url``), split around the lead's pk."""
    urls = {"lead": _split(reverse("cases:lead_detail", args=[_PK]))}
    for action in ("accept", "merge", "reject"):
        urls[action] = _split(reverse("intake:inbox_lead_action", args=[_PK, action]))
    return urls


def _card(lead, t: dict[str, str], urls: dict[str, tuple[str, str]], csrf: str) -> str:
    pk = str(lead.pk)
    version = _e(lead.version)
    village = lead.village.name if lead.village is not None else ""  # {{ lead.village.name }} of no village
    sources = lead.source_count or 0  # annotated by selectors.inbox (None: no report at all)
    reports = ""
    if sources > 1:
        reports = ('<span class="badge text-bg-info">'
                   + ngettext("%(counter)s report", "%(counter)s reports", sources) % {"counter": sources}
                   + "</span>")
    relief = "".join(f'<span class="badge text-bg-light border">{_e(k.name)}</span> '
                     for k in lead.suspected_relief.all())
    accept, merge, reject, lead_url = urls["accept"], urls["merge"], urls["reject"], urls["lead"]
    return (
        f'\n<div class="card mb-2{" border-danger border-2" if lead.is_urgent else ""}" data-testid="inbox-lead" '
        f'data-lead-number="{_e(lead.number)}">\n'
        '  <div class="card-body py-2">\n'
        '    <div class="d-flex flex-wrap justify-content-between gap-1">\n'
        '      <div>\n'
        f'        {f"""<span class="badge text-bg-danger">{t["urgent"]}</span>""" if lead.is_urgent else ""}\n'
        f'        <a href="{lead_url[0]}{pk}{lead_url[1]}" class="fw-semibold">{_e(lead.person.name)}</a>\n'
        f'        <span class="small text-muted">{_e(village)} · {_e(lead.get_channel_display())}</span>\n'
        f'        <span class="small text-muted" data-testid="discovered-on">{t["discovered"]} '
        f'{_ymd(lead.discovered_on)}</span>\n'
        f'        {f"""<span class="badge text-bg-warning">{t["late"]}</span>""" if lead.is_late_report else ""}\n'
        f'        {reports}\n'
        '      </div>\n'
        f'      <div class="small text-muted font-monospace">{_e(lead.number)} · '
        f'{_md_hm(lead.reported_at)}</div>\n'
        '    </div>\n'
        f'    <div class="small mt-1">{relief}\n'
        f'      {_e(truncatechars(lead.family_situation, 120))}</div>\n'
        '    <div class="d-flex flex-wrap gap-2 mt-2">\n'
        f'      <form method="post" action="{accept[0]}{pk}{accept[1]}">{csrf}\n'
        f'        <input type="hidden" name="version" value="{version}">\n'
        f'        <button class="btn btn-sm btn-success" type="submit" data-testid="accept"><i class="bi bi-check2"></i> '
        f'{t["accept"]}</button>\n'
        '      </form>\n'
        f'      <button class="btn btn-sm btn-outline-secondary" type="button" data-bs-toggle="collapse" '
        f'data-bs-target="#merge-{pk}">{t["merge"]}</button>\n'
        f'      <button class="btn btn-sm btn-outline-danger" type="button" data-bs-toggle="collapse" '
        f'data-bs-target="#reject-{pk}">{t["reject"]}</button>\n'
        '    </div>\n'
        f'    <form method="post" action="{merge[0]}{pk}{merge[1]}" class="collapse mt-2" id="merge-{pk}">{csrf}\n'
        f'      <input type="hidden" name="version" value="{version}">\n'
        '      <div class="input-group input-group-sm">\n'
        f'        <input type="text" name="into" class="form-control" required placeholder="{t["merge_into"]}">\n'
        f'        <button class="btn btn-outline-secondary" type="submit">{t["merge"]}</button>\n'
        '      </div>\n'
        '    </form>\n'
        f'    <form method="post" action="{reject[0]}{pk}{reject[1]}" class="collapse mt-2" id="reject-{pk}">{csrf}\n'
        f'      <input type="hidden" name="version" value="{version}">\n'
        '      <div class="input-group input-group-sm">\n'
        f'        <input type="text" name="reason" class="form-control" required placeholder="{t["reason"]}">\n'
        f'        <button class="btn btn-outline-danger" type="submit">{t["reject"]}</button>\n'
        '      </div>\n'
        '    </form>\n'
        '  </div>\n'
        '</div>\n'
    )


def csrf_input(token: str) -> str:
    """What ``{% csrf_token %}`` writes for ``token``."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(token)}">'


def inbox_cards(leads: Iterable, csrf_token: str, *, after: str = "") -> SafeString:
    """The cards of ``leads``, as ``{% for lead in leads %}{% include "intake/_inbox_lead.html" %}<after>
    {% endfor %}`` writes them (the leads of ``selectors.inbox``: with their person, village and suspected relief
    fetched and ``source_count`` annotated)."""
    t, urls, csrf = _labels(), _action_urls(), csrf_input(csrf_token)
    return SafeString("".join(_card(lead, t, urls, csrf) + after for lead in leads))
