"""Issue 14: the standard medical-insurance rules follow 博山区's notice (seed 003), and the 人社 feed of seed 000.

* 城乡居民医保住院个人负担: a flat 40,000-yuan yearly rule is added; Tongling's tiered yearly rule and the sharp-rise
  rule become presets, switched off (the administrator switches them on in the admin). Rules a district renamed
  are its own and left alone.
* The employment department (区人力资源和社会保障局) for every district with departments, and its feed
  "失业人员、灵活就业人员" for every district that has the standard feeds.
"""
from django.db import migrations

OLD_TIERED = "年度医疗个人负担累计超标（铜陵模式）"
OLD_RISE = "医疗支出骤增"


def forward(apps, schema_editor):
    from intake.feeds import standard

    Region = apps.get_model("accounts", "Region")
    Department = apps.get_model("accounts", "Department")
    Feed = apps.get_model("intake", "Feed")
    WarningRule = apps.get_model("intake", "WarningRule")
    WarningThreshold = apps.get_model("intake", "WarningThreshold")
    relief = {r.code: r for r in apps.get_model("cases", "ReliefKind").objects.all()}
    causes = {c.code: c for c in apps.get_model("cases", "HardshipCause").objects.all()}
    yearly = next(rule for code, *_x, rules in standard.STANDARD_FEEDS if code == "medical_inpatient"
                  for rule in rules if rule[0] == standard.YEARLY_40K)
    for feed in Feed.objects.filter(code="medical_inpatient"):
        WarningRule.objects.filter(feed=feed, name=OLD_TIERED).update(name=standard.TIERED_NAME, is_active=False)
        WarningRule.objects.filter(feed=feed, name=OLD_RISE).update(name=standard.RISE_PRESET[0], is_active=False)
        if not WarningRule.objects.filter(feed=feed, name=standard.YEARLY_40K).exists():
            standard.rule_create(feed, yearly, 2, WarningRule=WarningRule, WarningThreshold=WarningThreshold,
                                 relief=relief, causes=causes)
    for district in Region.objects.filter(level="district", pk__in=Department.objects.values("district")):
        Department.objects.get_or_create(district=district, code="human_resources",
                                         defaults={"name": "区人力资源和社会保障局", "short_name": "人社"})
        if Feed.objects.filter(district=district).exists():
            standard.install(district=district, Feed=Feed, FeedColumn=apps.get_model("intake", "FeedColumn"),
                             WarningRule=WarningRule, WarningThreshold=WarningThreshold, Department=Department,
                             ReliefKind=apps.get_model("cases", "ReliefKind"),
                             HardshipCause=apps.get_model("cases", "HardshipCause"), only={"unemployment"})


class Migration(migrations.Migration):
    dependencies = [("intake", "0009_batch_unchanged_from_unmatched")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
