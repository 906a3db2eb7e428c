import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.regions import RegionLoadError
from cases.demo import DEMO_PASSWORD, seed_demo
from cases.models import Person


class Command(BaseCommand):
    help = "Build a realistic demo district: regions, departments, households, people and one login per role."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=50000)
        parser.add_argument("--district", default=None, help="6-digit district code (default 370304, 博山区)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed: the same seed gives the same data")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the registry already has people")
        parser.add_argument("--leads", type=int, default=None,
                            help="demo leads to raise (default: one per 200 people, at most 2,000; 0 for none)")

    def handle(self, *args, **options):
        from django.utils import translation

        translation.activate(settings.LANGUAGE_CODE)
        code = options["district"] or settings.DISTRICT_CODE
        if Person.objects.filter(village__code__startswith=code).exists():
            if options["if_empty"]:
                self.stdout.write("The registry already has people: demo data not loaded again.")
                return
            raise CommandError(f"District {code} already has people; seed_demo fills an empty district only.")
        started = time.monotonic()

        def progress(result):
            self.stdout.write(f"  {result.people:,} people in {result.households:,} households "
                              f"({time.monotonic() - started:.0f} s)")

        try:
            result = seed_demo(district_code=code, people=options["people"], seed=options["seed"],
                               progress=progress if options["people"] >= 100000 else None, leads=options["leads"])
        except RegionLoadError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"{result.district.name} ({result.district.code}): {result.people:,} people, "
            f"{result.households:,} households, {result.leads:,} leads, {result.transfer_forms:,} transfer forms "
            f"in {elapsed:.1f} s"))
        self.stdout.write("Demo logins (password for all: %s):" % DEMO_PASSWORD)
        for role, username, region in result.logins:
            self.stdout.write(f"  {username:<14} {role} · {region}")
