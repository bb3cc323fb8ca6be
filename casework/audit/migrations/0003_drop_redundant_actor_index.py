"""Drop the plain index on ``actor_id``: ``audit_actor_time`` (actor, -occurred_at) covers it.

Every audited read appends a row, and each index costs every append. The database change
is written out rather than left to ``AlterField``, because on SQLite Django would rebuild
the whole table for it, and the rebuild would drop the append-only triggers of 0002.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = "audit_auditevent_actor_id_270bb4b7"  # the name Django gave it in 0001


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "audit_auditevent" ("actor_id")',
                ),
            ],
        ),
    ]
