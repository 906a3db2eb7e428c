from django.db import migrations

# Seed 002: "对分散供养特困人员和困境儿童走访每周不少于1次" — the severe-weather cadence reads this tag (issue 17).
TAGS = [("dispersed_support", "分散供养")]


def load(apps, schema_editor):
    Tag = apps.get_model("cases", "VulnerabilityTag")
    for code, name in TAGS:
        Tag.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_outcome_told_and_follow_up_satisfaction")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
