"""Indexes the bench asked for (bench/list_pages.py over 1,000,000 leads; docs/PERFORMANCE.md)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_lead_life"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="lead",
            index=models.Index(fields=["status", "reported_at"], name="lead_status_reported_idx"),
        ),
        migrations.AddIndex(
            model_name="outcome",
            index=models.Index(fields=["-recorded_at"], name="outcome_recorded_idx"),
        ),
        migrations.AddIndex(
            model_name="outcome",
            index=models.Index(fields=["-included_on"], name="outcome_included_idx"),
        ),
    ]
