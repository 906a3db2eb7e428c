from django.db import migrations

# Stored in Chinese: reference data the district reads and may edit in the admin (deadlines included).
KINDS = [
    # code, name, answer within (working days)
    ("investigate", "线索核查", 5),
    ("special_relief", "转介专项救助", 5),
    ("urgent", "急难救助", 1),
]


def load(apps, schema_editor):
    TransferKind = apps.get_model("referrals", "TransferKind")
    for order, (code, name, days) in enumerate(KINDS, start=1):
        TransferKind.objects.get_or_create(code=code, defaults={"name": name, "due_working_days": days,
                                                                "order": order})


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_transfer_forms")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
