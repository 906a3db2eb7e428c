from django.db import migrations

# Stored in Chinese: reference data the district reads and may edit in the admin.
RELIEF_KINDS = [
    ("dibao", "城乡低保"),
    ("tekun", "特困供养"),
    ("temporary", "临时救助"),
    ("medical", "医疗救助"),
    ("education", "教育救助"),
    ("housing", "住房救助"),
    ("employment", "就业救助"),
    ("disaster", "受灾人员救助"),
]
CAUSES = [
    ("illness", "因病"),
    ("disability", "因残"),
    ("disaster", "因灾"),
    ("accident", "因意外"),
    ("schooling", "因学"),
    ("unemployment", "失业"),
    ("no_support", "缺乏劳动力或无人赡养"),
    ("other", "其他"),
]


def load(apps, schema_editor):
    for model, rows in (("ReliefKind", RELIEF_KINDS), ("HardshipCause", CAUSES)):
        Model = apps.get_model("cases", model)
        for order, (code, name) in enumerate(rows, start=1):
            Model.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_leads")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
