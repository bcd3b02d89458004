"""PostgreSQL's uuid-ossp extension, for ``uuid_generate_v5``: the set-based paper
import computes each row's UUID5 client id in SQL (issue 14 item 2). A trusted
extension since PostgreSQL 13 (the database owner may create it); nothing on
SQLite. Without it (no privilege) the import checks and stores row by row, as
before, so a refusal here is not an error.

Not Django's ``CreateExtension``: its reverse queries ``pg_extension`` on any
database, which fails on SQLite when a test migrates backwards past this one.
"""

from django.db import DatabaseError, migrations, transaction


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"')
    except DatabaseError:
        pass  # no privilege: the import's row-by-row path is used


class Migration(migrations.Migration):
    dependencies = [("surveys", "0007_verbose_names")]

    operations = [
        # Backwards: the extension stays (other databases' objects may use it).
        migrations.RunPython(create_extension, migrations.RunPython.noop),
    ]
