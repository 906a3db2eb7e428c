# 新增救助群众 for a township: its capped count from the index alone (DECISIONS 1403).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_password_history'),
        ('cases', '0025_lead_urgent_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='outcome',
            name='outcome_township_included_idx',
        ),
        migrations.AddIndex(
            model_name='outcome',
            index=models.Index(fields=['township', '-included_on'], include=('kind', 'status', 'village'), name='outcome_township_included_idx'),
        ),
    ]
