"""Unit summaries (issue 15 item 9; docs/scaling.md "Unit summaries"): the
revisions of the monthly rollups (one narrow row per unit and month, made here at
1 for every monthly row there is), and the table of each unit's league figures
per period.

On PostgreSQL the monthly rollup function of 0013 is made again so that it counts
the month's revision up (same columns, same name); reversing makes it as 0013 did.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

COUNT_COLUMNS = importlib.import_module(
    "mutu.surveys.migrations.0013_rollup_functions"
).COUNT_COLUMNS


def _functions(schema_editor, *, revision):
    if schema_editor.connection.vendor != "postgresql":
        return
    from mutu.surveys.rollups import rollup_functions_sql

    for statement in rollup_functions_sql(COUNT_COLUMNS, revision=revision):
        schema_editor.execute(statement)


def revisions_fill(apps, schema_editor):
    schema_editor.execute(
        "INSERT INTO surveys_monthlyrevision (unit_id, month) "
        "SELECT unit_id, month FROM surveys_monthlyrollup"
    )


def functions_with_revision(apps, schema_editor):
    _functions(schema_editor, revision=True)


def functions_without_revision(apps, schema_editor):
    _functions(schema_editor, revision=False)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_standard_complaint_limits"),
        ("surveys", "0013_rollup_functions"),
    ]

    operations = [
        migrations.CreateModel(
            name="MonthlyRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("month", models.DateField()),
                ("revision", models.BigIntegerField(db_default=1, default=1)),
                (
                    "unit",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="registry.serviceunit",
                    ),
                ),
            ],
            options={
                "verbose_name": "revisi rekap bulanan",
                "verbose_name_plural": "revisi rekap bulanan",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("unit", "month"), name="monthly_revision_key"
                    )
                ],
            },
        ),
        migrations.RunPython(revisions_fill, migrations.RunPython.noop),
        migrations.CreateModel(
            name="UnitPeriodSummary",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("first_month", models.DateField()),
                ("last_month", models.DateField()),
                ("revision", models.BigIntegerField()),
                ("responses", models.PositiveIntegerField()),
                ("ikm", models.TextField(blank=True)),
                ("se", models.FloatField(null=True)),
                (
                    "unit",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="registry.serviceunit",
                    ),
                ),
            ],
            options={
                "verbose_name": "ringkasan unit per periode",
                "verbose_name_plural": "ringkasan unit per periode",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("first_month", "last_month", "unit"),
                        name="unit_period_summary_key",
                    )
                ],
            },
        ),
        migrations.RunPython(functions_with_revision, functions_without_revision),
    ]
