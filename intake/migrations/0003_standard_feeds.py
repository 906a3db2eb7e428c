"""The twelve feeds of DESIGN §6 with Tongling's warning model, for every district that has departments.

Districts loaded later get them from intake.feeds.services.feeds_install_standard (idempotent).
"""
from django.db import migrations


def load(apps, schema_editor):
    from intake.feeds.standard import install

    Region = apps.get_model("accounts", "Region")
    Department = apps.get_model("accounts", "Department")
    models = {name: apps.get_model("intake", name) for name in ("Feed", "FeedColumn", "WarningRule",
                                                                "WarningThreshold")}
    for district in Region.objects.filter(level="district", pk__in=Department.objects.values("district")):
        install(district=district, Department=Department, ReliefKind=apps.get_model("cases", "ReliefKind"),
                HardshipCause=apps.get_model("cases", "HardshipCause"), **models)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_department_feeds"),
        ("cases", "0005_relief_kinds_and_causes"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
