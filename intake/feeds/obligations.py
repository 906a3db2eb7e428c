"""The feeds' dated duty, a kind of the obligation engine (referrals.obligations; docs/DEADLINES.md).

| kind | what is owed | due | source |
|---|---|---|---|
| ``feed_delivery`` | a department's delivery | weekly by Monday, monthly by the 5th, yearly by 31 December | 003 |

Event feeds have no schedule: their rows are flagged late when the event is more than the feed's working days
before the delivery (:func:`intake.feeds.deadlines.late_rows_flag`).
"""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intake.models import FeedDeadline
from referrals.obligations import Duty, ObligationKind, obligation_kinds
from referrals.services import department_liaisons, district_centre


def feed_delivery_duties(*, today, calendar, rule):
    from intake.feeds.deadlines import deadlines_ensure

    deadlines_ensure(today=today)
    liaisons: dict[int, list] = {}
    centres: dict[str, list] = {}
    missing = (FeedDeadline.objects.filter(delivered_at__isnull=True, due_on__lt=today, feed__is_active=True)
               .select_related("feed", "feed__department", "feed__district").order_by("due_on", "pk"))
    for deadline in missing:
        feed = deadline.feed
        department = feed.department
        if department.pk not in liaisons:
            liaisons[department.pk] = list(department_liaisons(department=department))
        code = feed.district.code[:6]
        if code not in centres:
            centres[code] = list(district_centre(district_code=code))
        yield Duty(
            subject=deadline, due_on=deadline.due_on, region=feed.district, department=department,
            recipient_name=department.name, recipients=liaisons[department.pk], escalate_to=centres[code],
            url=reverse("intake:feed_upload", args=[feed.pk]),
            title=_("%(department)s has not delivered %(feed)s for %(start)s to %(end)s (due %(due)s)") % {
                "department": department.short_name or department.name, "feed": feed.name,
                "start": deadline.period_start.isoformat(), "end": deadline.period_end.isoformat(),
                "due": deadline.due_on.isoformat()},
            body=_("Please deliver the data as a file on the upload page or through the API. Seed 003 sets "
                   "the cadence; a missing delivery is reported to the district centre."))


def delivered_on(pks) -> dict:
    from django.db.models.functions import TruncDate

    return dict(FeedDeadline.objects.filter(pk__in=pks).annotate(day=TruncDate("delivered_at"))
                .values_list("pk", "day"))


def register() -> None:
    obligation_kinds.register(ObligationKind(
        code="feed_delivery", order=70, label=gettext_lazy("Department data deliveries"),
        source=gettext_lazy("Seed 003: 每周一 / 每月5日前 / 每年12月底前报送; 突发事件3个工作日内"),
        default_limit=5, limit_help=gettext_lazy("Each feed's cadence and due day are set on the feed (admin: data "
                                          "feeds); this number is not used."),
        duties=feed_delivery_duties, open_items=lambda: FeedDeadline.objects.filter(delivered_at__isnull=True),
        region_field="feed__district", department_field="feed__department", met_on=delivered_on,
        township_field=None))
