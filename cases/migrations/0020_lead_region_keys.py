"""Investigations, outcomes and follow-ups carry their lead's township and village (issue 15, DECISIONS 550).

Backfilled with one ``UPDATE … FROM`` per table (PostgreSQL and SQLite ≥ 3.33 alike), then made NOT NULL; the
indexes are built after the backfill. The history tables keep NULL for the states recorded before.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_password_history'),
        ('cases', '0019_lead_late_reason'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='followup',
            name='township',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='township'),
        ),
        migrations.AddField(
            model_name='followup',
            name='village',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='village'),
        ),
        migrations.AddField(
            model_name='historicalfollowup',
            name='township',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.region', verbose_name='township'),
        ),
        migrations.AddField(
            model_name='historicalfollowup',
            name='village',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.region', verbose_name='village'),
        ),
        migrations.AddField(
            model_name='historicalinvestigation',
            name='township',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.region', verbose_name='township'),
        ),
        migrations.AddField(
            model_name='historicalinvestigation',
            name='village',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.region', verbose_name='village'),
        ),
        migrations.AddField(
            model_name='historicaloutcome',
            name='township',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.region', verbose_name='township'),
        ),
        migrations.AddField(
            model_name='historicaloutcome',
            name='village',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.region', verbose_name='village'),
        ),
        migrations.AddField(
            model_name='investigation',
            name='township',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='township'),
        ),
        migrations.AddField(
            model_name='investigation',
            name='village',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='village'),
        ),
        migrations.AddField(
            model_name='outcome',
            name='township',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='township'),
        ),
        migrations.AddField(
            model_name='outcome',
            name='village',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='village'),
        ),
        migrations.RunSQL(
            "UPDATE cases_investigation SET township_id = l.township_id, village_id = l.village_id "
            "FROM cases_lead l WHERE l.id = cases_investigation.lead_id",
            migrations.RunSQL.noop, elidable=False),
        migrations.RunSQL(
            "UPDATE cases_outcome SET township_id = l.township_id, village_id = l.village_id "
            "FROM cases_lead l WHERE l.id = cases_outcome.lead_id",
            migrations.RunSQL.noop, elidable=False),
        migrations.RunSQL(
            "UPDATE cases_followup SET township_id = l.township_id, village_id = l.village_id "
            "FROM cases_lead l WHERE l.id = cases_followup.lead_id",
            migrations.RunSQL.noop, elidable=False),
        migrations.AlterField(
            model_name='investigation',
            name='township',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='township'),
        ),
        migrations.AlterField(
            model_name='investigation',
            name='village',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='village'),
        ),
        migrations.AlterField(
            model_name='outcome',
            name='township',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='township'),
        ),
        migrations.AlterField(
            model_name='outcome',
            name='village',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='village'),
        ),
        migrations.AlterField(
            model_name='followup',
            name='township',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='township'),
        ),
        migrations.AlterField(
            model_name='followup',
            name='village',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region', verbose_name='village'),
        ),
        migrations.AddIndex(
            model_name='followup',
            index=models.Index(fields=['township', 'due_on'], name='followup_township_due_idx'),
        ),
        migrations.AddIndex(
            model_name='outcome',
            index=models.Index(fields=['township', '-included_on'], name='outcome_township_included_idx'),
        ),
        migrations.AddIndex(
            model_name='outcome',
            index=models.Index(fields=['township', '-recorded_at'], name='outcome_township_recorded_idx'),
        ),
            migrations.AddIndex(
            model_name='lead',
            index=models.Index(condition=models.Q(('accepted_at__isnull', False)), fields=['accepted_at'], name='lead_accepted_idx'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(condition=models.Q(('assessed_at__isnull', False)), fields=['assessed_at'], include=('township', 'reported_at'), name='lead_assessed_idx'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(condition=models.Q(('closed_at__isnull', False)), fields=['closed_at'], name='lead_closed_idx'),
        ),
        migrations.AddIndex(
            model_name='outcome',
            index=models.Index(condition=models.Q(('done_at__isnull', False)), fields=['done_at'], include=('township', 'kind', 'status'), name='outcome_done_idx'),
        ),
        migrations.AddIndex(
            model_name='outcome',
            index=models.Index(condition=models.Q(('notified_on__isnull', False)), fields=['notified_on'], name='outcome_notified_idx'),
        ),
        migrations.AddIndex(
            model_name='outcome',
            index=models.Index(condition=models.Q(('filing_received_on__isnull', False)), fields=['filing_received_on'], name='outcome_filing_received_idx'),
        ),
    ]
