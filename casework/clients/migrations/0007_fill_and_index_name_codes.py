"""Fill the phonetic name codes of existing clients, then build the indexes intake reads.

Not atomic: a million clients are updated in batches of ``BATCH`` ids, each committed on
its own, so the table is never locked for the whole fill and the other sessions keep
reading and writing it (PostgreSQL would also refuse to build an index in the transaction
that queued the foreign-key checks of a million updates). The fill is idempotent, so a
stopped run can simply be started again.

The codes are computed in Python (NYSIIS, as ``Client.save()`` does) once per distinct
name key, held in temporary tables, and copied into the rows by one ``UPDATE`` per batch
that sets both columns. The indexes are built after the fill, so the updates do not
maintain them.
"""

from django.db import migrations, models, transaction

from casework.clients.matching.records import phonetic

BATCH = 20_000
# Temporary table -> (key column, code column); the codes are name_sound() of the keys.
CODES = {
    "clients_family_sounds": ("family_name_key", "family_name_sound"),
    "clients_given_sounds": ("given_name_key", "given_name_sound"),
}


def fill_codes(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table = quote(apps.get_model("clients", "Client")._meta.db_table)
    assignments = ", ".join(
        f"{quote(code)} = (SELECT code FROM {temporary} AS t"  # noqa: S608  # constant names
        f" WHERE t.name_key = {table}.{quote(key)})"
        for temporary, (key, code) in CODES.items()
    )
    update = f"UPDATE {table} SET {assignments} WHERE id >= %s AND id < %s"  # noqa: S608  # constant names
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {table}")  # noqa: S608  # constant names
        low, high = cursor.fetchone()
        try:
            for temporary, (key, _) in CODES.items():
                _load_codes(cursor, table, temporary, quote(key))
            for start in range(low or 0, (high or 0) + 1, BATCH):
                with transaction.atomic(using=connection.alias):
                    cursor.execute(update, [start, start + BATCH])
        finally:
            for temporary in CODES:
                cursor.execute(f"DROP TABLE IF EXISTS {temporary}")


def _load_codes(cursor, table: str, temporary: str, key: str) -> None:
    cursor.execute(
        f"CREATE TEMPORARY TABLE {temporary}"
        " (name_key varchar(100) PRIMARY KEY, code varchar(100) NOT NULL)"
    )
    cursor.execute(f"SELECT DISTINCT {key} FROM {table}")  # noqa: S608  # constant names
    codes = [(value, phonetic(value)[:100]) for (value,) in cursor.fetchall()]
    cursor.executemany(f"INSERT INTO {temporary} (name_key, code) VALUES (%s, %s)", codes)  # noqa: S608


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("clients", "0006_phonetic_name_codes")]

    operations = [
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
