import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Region
from ledgers.registers.selectors import LEDGERS
from ledgers.registers.services import ledger_write


class Command(BaseCommand):
    help = ("Write a ledger to an .xlsx file (operators). Kinds: discovery_detail (主动发现救助对象明细表), "
            "newly_assisted (新增救助群众台账), observation (救助观察群众台账), urgent (急难对象台账), "
            "transfer_tracking (转办单跟踪台账).")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(LEDGERS))
        parser.add_argument("--out", required=True)
        parser.add_argument("--township", help="9- or 12-digit township code")
        parser.add_argument("--month", help="YYYY-MM: the month of the ledger's date (reported, included, "
                                            "discovered or issued)")

    def handle(self, *args, kind, out, township=None, month=None, **options):
        ledger = LEDGERS[kind]
        rows = ledger.model.objects.all()
        region_name = "全部"
        if township:
            region = Region.objects.filter(code__startswith=township[:9], level="township").first()
            if region is None:
                raise CommandError(f"没有代码为 {township} 的乡镇（街道）")
            rows = rows.filter(**{f"{ledger.township_field}__code__startswith": region.code[:9]})
            region_name = region.name
        period = ""
        if month:
            try:
                start = dt.datetime.strptime(month, "%Y-%m").date()
            except ValueError as exc:
                raise CommandError("--month 的格式应为 YYYY-MM，例如 2026-03") from exc
            end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            rows = rows.filter(**{f"{ledger.month_field}__gte": start, f"{ledger.month_field}__lt": end})
            period = f"{start:%Y年%m月}"
        # Operators act as the system: every row of the selection, whole IDs (web paths scope by the user).
        count = ledger_write(out, kind, user=_System(), queryset=rows, region_name=region_name, period=period)
        self.stdout.write(f"{count} rows → {out}")


class _System:
    """The operator's command sees everything, like a superuser."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    role = ""
