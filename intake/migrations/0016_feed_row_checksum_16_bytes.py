"""A row's checksum as its first 16 bytes (issue 15): the 64 hex characters of earlier rows keep their first 32,
which is what the import now computes for the same row, so a re-delivery stays unchanged."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0015_feed_batch_heartbeat'),
    ]

    operations = [
        migrations.RunSQL("UPDATE intake_feedrow SET checksum = substr(checksum, 1, 32)", migrations.RunSQL.noop),
        migrations.AlterField(
            model_name='feedrow',
            name='checksum',
            field=models.UUIDField(verbose_name='checksum'),
        ),
    ]
