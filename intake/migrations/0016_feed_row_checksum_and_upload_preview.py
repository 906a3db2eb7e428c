"""Issue 15: a row's checksum as its first 16 bytes — earlier rows keep the first 32 of their 64 hex characters,
which is what the import now computes for the same row, so a re-delivery stays unchanged. Issue 20: an upload is
read by a worker ("reading"), which keeps the preview it found.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0015_feed_batch_heartbeat'),
    ]

    operations = [
        migrations.RunSQL("UPDATE intake_feedrow SET checksum = substr(checksum, 1, 32)", migrations.RunSQL.noop),
        migrations.AddField(
            model_name='feedbatch',
            name='preview',
            field=models.JSONField(blank=True, default=dict, verbose_name='preview'),
        ),
        migrations.AlterField(
            model_name='feedbatch',
            name='status',
            field=models.CharField(choices=[('reading', 'Reading the file'), ('preview', 'Awaiting confirmation'), ('queued', 'Queued'), ('processing', 'Importing'), ('done', 'Imported'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], db_index=True, default='preview', max_length=16, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='feedrow',
            name='region',
            field=models.ForeignKey(db_index=False, help_text="The person's township, or the district for rows to transfer out.", on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='region'),
        ),
        migrations.AlterField(
            model_name='feedrow',
            name='checksum',
            field=models.UUIDField(verbose_name='checksum'),
        ),
    ]
