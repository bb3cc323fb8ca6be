"""Phonetic codes of the client name keys (filled and indexed by 0007).

Adding a column with a constant default rewrites no rows on PostgreSQL 11 and later, so
this takes the table lock only for a moment.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("clients", "0005_ordered_name_indexes")]

    operations = [
        migrations.AddField(
            model_name="client",
            name="family_name_sound",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="client",
            name="given_name_sound",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
    ]
