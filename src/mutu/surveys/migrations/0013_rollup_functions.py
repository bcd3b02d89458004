"""PostgreSQL: a submission's rollup upserts as functions planned once per
connection (``mutu.surveys.rollups.ROLLUP_FUNCTIONS``; docs/scaling.md "The
submission path"). Nothing on SQLite.

The functions are made from today's code on purpose: their names carry a digest
of the rollup columns, so code with other columns calls names that do not exist
yet. A change of ``COUNT_FIELDS`` needs a migration that runs
``rollup_functions_sql()`` again (``tests/surveys/test_rollups.py`` says so).
"""

from django.db import migrations


def functions_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from mutu.surveys.rollups import rollup_functions_sql

    for statement in rollup_functions_sql():
        schema_editor.execute(statement)


def functions_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from mutu.surveys.rollups import rollup_functions_drop_sql

    for statement in rollup_functions_drop_sql():
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0012_monthly_rollups")]

    operations = [migrations.RunPython(functions_create, functions_drop)]
