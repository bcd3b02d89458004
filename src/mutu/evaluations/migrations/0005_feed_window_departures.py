"""The feeds' data window per cycle (D16), departure reasons and counts (D11), and
revocable certificates (D14, D18)."""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def calendar_year(apps, schema_editor):
    """Existing cycles read the data of their calendar year, as before."""
    Cycle = apps.get_model("evaluations", "Cycle")
    for cycle in Cycle.objects.all():
        cycle.data_from = datetime.date(cycle.year, 1, 1)
        cycle.data_to = datetime.date(cycle.year, 12, 31)
        cycle.save(update_fields=["data_from", "data_to"])


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0004_merge_0003_cycle_signing_0003_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="data_from",
            field=models.DateField(null=True, verbose_name="data sejak"),
        ),
        migrations.AddField(
            model_name="cycle",
            name="data_to",
            field=models.DateField(null=True, verbose_name="data sampai"),
        ),
        migrations.RunPython(calendar_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="cycle",
            name="data_from",
            field=models.DateField(verbose_name="data sejak"),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="data_to",
            field=models.DateField(verbose_name="data sampai"),
        ),
        migrations.AddField(
            model_name="answer",
            name="self_reason",
            field=models.TextField(
                blank=True, verbose_name="alasan berbeda dari data (unit)"
            ),
        ),
        migrations.AddField(
            model_name="answer",
            name="score_reason",
            field=models.TextField(
                blank=True, verbose_name="alasan berbeda dari data (evaluator)"
            ),
        ),
        migrations.AddField(
            model_name="result",
            name="feeds",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="result",
            name="departures",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="result",
            name="departures_count",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="certificate",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="certificate",
            name="revoked_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="certificate",
            name="revoked_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
