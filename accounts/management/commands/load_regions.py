from django.core.management.base import BaseCommand, CommandError

from accounts.regions import RegionLoadError, regions_load


class Command(BaseCommand):
    help = "Load a district's townships, villages and made-up villager groups from regions.csv, and its departments."

    def add_arguments(self, parser):
        parser.add_argument("--district", default=None, help="6-digit district code (default: settings.DISTRICT_CODE)")
        parser.add_argument("--csv", default=None, help="path to regions.csv")

    def handle(self, *args, **options):
        from django.conf import settings

        code = options["district"] or settings.DISTRICT_CODE
        try:
            district = regions_load(district_code=code, path=options["csv"])
        except (RegionLoadError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{district.name} ({district.code}): "
                          f"{district.children.count()} townships loaded")
