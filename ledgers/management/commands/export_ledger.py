import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Region
from cases.models import Lead
from ledgers.selectors import discovery_detail_leads
from ledgers.services import discovery_detail_write

KINDS = ("discovery_detail",)


class Command(BaseCommand):
    help = "Write a ledger to an .xlsx file (operators). Kinds: discovery_detail (主动发现救助对象明细表)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--out", required=True)
        parser.add_argument("--township", help="9- or 12-digit township code")
        parser.add_argument("--month", help="YYYY-MM: leads reported in that month")

    def handle(self, *args, kind, out, township=None, month=None, **options):
        leads = Lead.objects.all()
        region_name = "全部"
        if township:
            region = Region.objects.filter(code__startswith=township[:9], level="township").first()
            if region is None:
                raise CommandError(f"No township with code {township}")
            leads = leads.filter(township=region)
            region_name = region.name
        period = ""
        if month:
            try:
                start = dt.datetime.strptime(month, "%Y-%m").date()
            except ValueError as exc:
                raise CommandError("--month must be YYYY-MM") from exc
            end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            leads = leads.filter(reported_at__date__gte=start, reported_at__date__lt=end)
            period = f"{start:%Y年%m月}"
        # Operators act as the system: every lead of the selection (web paths scope by the user).
        leads = discovery_detail_leads(user=_System(), leads=leads)
        count = discovery_detail_write(out, leads=leads, region_name=region_name, period=period)
        self.stdout.write(f"{count} rows → {out}")


class _System:
    """The operator's command sees everything, like a superuser."""

    is_authenticated = True
    is_active = True
    is_superuser = True
