"""FeedRow's delivery indexed by BRIN on PostgreSQL instead of a B-tree entry per row (issue 15, DECISIONS 1570).

A delivery's rows are appended together, one delivery after another, so the pages of a delivery form a run of the
table: a BRIN index keeps the least and greatest delivery of every 128 pages, and finds a delivery's rows (its
rows page, its deletion, the late-row flag) by reading those ranges, as the B-tree's bitmap did. Storing a row no
longer adds an index entry (the chunks of an import: ≈ 60 ms less server work per 100,000 rows). New ranges are
summarised by autovacuum (``autosummarize``); until then a lookup reads them too. SQLite keeps a B-tree
(``common.indexes.BrinOnPostgres``). The new index is built before the old one is dropped."""
import django.db.models.deletion
from django.db import migrations, models

import common.indexes


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_password_history'),
        ('cases', '0026_outcome_township_included_covering'),
        ('intake', '0019_feed_row_id_number_c_collation'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='feedrow',
            index=common.indexes.BrinOnPostgres(autosummarize=True, fields=['batch'], name='feed_row_batch_brin'),
        ),
        migrations.AlterField(
            model_name='feedrow',
            name='batch',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='rows', to='intake.feedbatch', verbose_name='data delivery'),
        ),
    ]
