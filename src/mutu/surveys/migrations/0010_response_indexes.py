"""The response table's indexes, chosen by EXPLAIN (ANALYZE, BUFFERS) at 1,000,000
rows (docs/scaling.md "Partitions and indexes"): the single-column indexes of
``unit``, ``point`` and ``day`` go (a composite index starts with each, or the
monthly partitions narrow the days); two small partial indexes come for the latest
comments and the flagged review list. On PostgreSQL the partitioned table's
indexes are created and dropped on every partition."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_standard_complaint_limits"),
        ("surveys", "0009_response_partitions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="response",
            name="day",
            field=models.DateField(verbose_name="tanggal (WIB)"),
        ),
        migrations.AlterField(
            model_name="response",
            name="point",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="responses",
                to="registry.servicepoint",
                verbose_name="loket",
            ),
        ),
        migrations.AlterField(
            model_name="response",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="registry.serviceunit",
                verbose_name="unit",
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                condition=models.Q(
                    ("is_excluded", False), models.Q(("comment", ""), _negated=True)
                ),
                fields=["unit", "-submitted_at", "-id"],
                name="response_comments",
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                condition=models.Q(("is_flagged", True)),
                fields=["unit", "day"],
                name="response_flagged",
            ),
        ),
    ]
