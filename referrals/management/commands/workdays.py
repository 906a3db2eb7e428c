"""Working-day arithmetic from the command line (operators, scripts).

    python manage.py workdays add 2025-09-26 5      → 2025-10-10 (the due date)
    python manage.py workdays between 2025-10-10 2025-10-14   → 2 (working days after the first date)
    python manage.py workdays check 2027            → whether 2027's holidays are known (exit 1 if not)
"""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from referrals.models import Holiday
from referrals.workdays import WorkCalendar, package_years


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("%(value)s is not a date like 2026-10-09.") % {"value": value}) from None


class Command(BaseCommand):
    help = "Working days: the due date N working days after a date, or whether a year's calendar is known."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="print the due date N working days after DATE (DATE itself does not count)")
        add.add_argument("date")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="working days after DATE1 up to and including DATE2")
        between.add_argument("date1")
        between.add_argument("date2")
        check = sub.add_parser("check", help="say whether YEAR's holidays and make-up days are known")
        check.add_argument("year", type=int)

    def handle(self, *args, **options):
        calendar = WorkCalendar()
        action = options["action"]
        if action == "add":
            start = _date(options["date"])
            if options["n"] < 0:
                raise CommandError(_("The number of working days cannot be negative."))
            due = calendar.add_working_days(start, options["n"])
            self.stdout.write(f"{due:%Y-%m-%d}")
            self._warn_unknown(calendar, start, due)
        elif action == "between":
            a, b = _date(options["date1"]), _date(options["date2"])
            self.stdout.write(str(calendar.working_days_between(a, b)))
            self._warn_unknown(calendar, a, b)
        else:
            year = options["year"]
            entries = Holiday.objects.filter(date__year=year).count()
            first, last = package_years()
            if first <= year <= last:
                self.stdout.write(_("%(year)s: known (from the chinese-calendar package, %(first)s–%(last)s); "
                                    "%(entries)s entries in the holiday table.") % {
                    "year": year, "first": first, "last": last, "entries": entries})
            elif calendar.calendar_known(year):
                self.stdout.write(_("%(year)s: known (entered by the administrator: %(entries)s entries in the "
                                    "holiday table).") % {"year": year, "entries": entries})
            else:
                self.stdout.write(_("%(year)s: NOT known. Deadlines in %(year)s count Monday to Friday less the "
                                    "statutory holidays (元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆), plus the "
                                    "%(entries)s entries of the holiday table; make-up working days (调休) are not "
                                    "known. Enter the State Council's holiday "
                                    "arrangement for %(year)s in the admin (holidays and make-up days), then mark "
                                    "the year as entered, or upgrade the chinese-calendar package.") % {
                    "year": year, "entries": entries})
                raise SystemExit(1)

    def _warn_unknown(self, calendar, a, b):
        years = calendar.unknown_years_between(a, b)
        if years:
            self.stderr.write(_("Warning: the State Council's holiday arrangement (调休) of %(years)s is not entered; "
                                "Monday to Friday less the statutory holidays, plus the holiday table, were "
                                "counted.") % {"years": "、".join(str(y) for y in years)})
