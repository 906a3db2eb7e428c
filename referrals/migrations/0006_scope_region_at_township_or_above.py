"""A transfer form's ``scope_region`` is a township or the district, never a village or a group (DECISIONS 1400).

The service has always set it to the township the form is addressed to or the office that issued it; only a
superuser placed in a village could have issued one from below a township. Such a form moves to its township,
so that ``scope_region_id = township`` (the scoping rule's index scan) finds every form the code-prefix rule did.
"""
from django.db import migrations

BELOW_TOWNSHIP = ("village", "group")


def lift_to_township(apps, schema_editor):
    TransferForm = apps.get_model("referrals", "TransferForm")
    Region = apps.get_model("accounts", "Region")
    for form in TransferForm.objects.filter(scope_region__level__in=BELOW_TOWNSHIP).select_related("scope_region"):
        region = form.scope_region
        while region.level in BELOW_TOWNSHIP and region.parent_id is not None:
            region = Region.objects.get(pk=region.parent_id)
        TransferForm.objects.filter(pk=form.pk).update(scope_region=region)


class Migration(migrations.Migration):

    dependencies = [
        ("referrals", "0005_obligation_ledger"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(lift_to_township, migrations.RunPython.noop),
    ]
