"""Phonetic codes of the client name keys and the indexes intake's blocking reads.

The backfill computes one code per distinct name key (a million clients carry tens of
thousands of distinct surnames and far fewer given names) and updates the rows of each key
through the existing name-key indexes, a batch of keys per ``executemany``. The indexes are
built after the backfill, so the updates do not maintain them row by row.
"""

from django.conf import settings
from django.db import migrations, models

from casework.clients.matching.records import phonetic

BATCH = 5000
# (key column, code column); the codes are name_sound() of the keys.
CODES = (("family_name_key", "family_name_sound"), ("given_name_key", "given_name_sound"))


def fill_codes(apps, schema_editor):
    client = apps.get_model("clients", "Client")
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table = quote(client._meta.db_table)
    for key, code in CODES:
        keys = list(client.objects.order_by().values_list(key, flat=True).distinct())
        pairs = [(phonetic(value)[:100], value) for value in keys]
        pairs = [(sound, value) for sound, value in pairs if sound]
        sql = f"UPDATE {table} SET {quote(code)} = %s WHERE {quote(key)} = %s"  # noqa: S608  # constant names
        with connection.cursor() as cursor:
            for start in range(0, len(pairs), BATCH):
                cursor.executemany(sql, pairs[start : start + BATCH])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("clients", "0005_ordered_name_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

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
        migrations.RunPython(fill_codes, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="client", name="client_dob"),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(
                fields=["date_of_birth", "family_name_key", "given_name_key"],
                name="client_dob_names",
            ),
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(
                fields=["family_name_sound", "date_of_birth"], name="client_family_sound_dob"
            ),
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(
                fields=["given_name_sound", "date_of_birth"], name="client_given_sound_dob"
            ),
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(
                fields=["given_name_sound", "family_name_sound", "date_of_birth"],
                name="client_sounds_dob",
            ),
        ),
    ]
