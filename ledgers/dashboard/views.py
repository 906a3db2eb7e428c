"""The district dashboard (and a township's), the list behind its feed chart, and its home-page card."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import TOWNSHIP_ROLES
from accounts.roles import require_role
from common.views import ObjectListView
from intake.models import FeedDeadline

from . import selectors
from .filters import FeedDeadlineFilterSet
from .tables import FeedDeadlineTable


def _url(list_name: str, query: dict | None) -> str | None:
    if query is None:
        return None
    return f"{reverse(list_name)}?{urlencode(query)}"


def _panel(chart: selectors.Chart) -> dict:
    """What the template and static/js/dashboard.js need of a chart: the figures and the link behind each."""
    def linked(value) -> bool:
        # A count of 0 has no rows to show; a median of 0 working days has (same-day handling).
        return value is not None and (value != 0 or chart.kind == "grouped")

    series = [{"name": s.name, "data": s.values,
               "urls": [_url(chart.list_name, q) if linked(v) else None for v, q in zip(s.values, s.queries,
                                                                                          strict=True)]}
              for s in chart.series]
    rows = [{"category": category,
             "cells": [{"value": s["data"][i], "url": s["urls"][i]} for s in series]}
            for i, category in enumerate(chart.categories)]
    return {
        "key": chart.key,
        "title": chart.title,
        "note": chart.note,
        "unit": chart.unit,
        "is_empty": chart.is_empty,
        "list_url": _url(chart.list_name, chart.list_query),
        "series_names": [s["name"] for s in series],
        "rows": rows,
        "extra": chart.extra,
        "data": {"kind": chart.kind, "categories": chart.categories, "series": series, "unit": chart.unit,
                 "rates": chart.extra.get("rates")},
    }


def _headline(charts: dict[str, selectors.Chart]) -> dict:
    """The figures above the charts, read off the charts themselves (no query of their own)."""
    funnel = charts["conversion"]
    counted, _accepted, _assessed, assisted = funnel.series[0].values
    return {
        "leads": counted,
        "assisted": assisted,
        "assisted_rate": funnel.extra["rates"][3],
        "to_accept": charts["response_times"].extra["overall"]["to_accept"],
        "to_assess": charts["response_times"].extra["overall"]["to_assess"],
        "overdue": sum(charts["overdue_townships"].series[0].values)
        + sum(charts["overdue_departments"].series[0].values),
        "funnel_url": _url(funnel.list_name, funnel.list_query),
        "assisted_url": _url(funnel.list_name, funnel.series[0].queries[3]),
    }


@login_required
def dashboard(request):
    user = request.user
    require_role(user, selectors.DASHBOARD_ROLES)
    today = timezone.localdate()
    period = selectors.period_parse(request.GET.get("period"), today=today)
    charts = {chart.key: chart for chart in selectors.dashboard(user=user, period=period, today=today)}
    panels = [_panel(chart) for chart in charts.values() if chart.shown]
    township = user.region if user.role in TOWNSHIP_ROLES and not user.is_superuser else None
    return render(request, "ledgers/dashboard.html", {
        "title": _("Dashboard"),
        "region": user.region,
        "township": township,
        "period": period,
        "period_choices": selectors.period_choices(today=today),
        "panels": panels,
        "kpis": _headline(charts),
        "charts_data": {panel["key"]: panel["data"] for panel in panels},
        "today": today,
    })


class FeedDeadlineListView(ObjectListView):
    """Scheduled department deliveries: on time, late, missing (the rows of the feed punctuality chart)."""

    queryset = FeedDeadline.objects.select_related("feed", "feed__department")
    filterset_class = FeedDeadlineFilterSet
    table_class = FeedDeadlineTable
    permission_required = "intake.view_feeddeadline"
    title = gettext_lazy("Scheduled data deliveries")
    audit_personal_data = False  # deadlines of departments: no personal data


def home_widget(request):
    """The home page's way into the dashboard (no query: the figures are on the dashboard itself)."""
    if not selectors.can_see_dashboard(request.user):
        return None
    return {"order": 5, "template": "ledgers/dashboard_widget.html", "title": _("Dashboard")}
