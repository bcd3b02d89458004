# The conversation model, moved here from the surveys app (issue 8). Its table,
# surveys_smsconversation, already exists: only Django's state is created.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('registry', '0002_servicepoint_closes_at_servicepoint_open_weekdays_and_more'),
        ('surveys', '0006_move_smsconversation_to_messaging'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SmsConversation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('provider', models.CharField(max_length=20)),
                        ('phone_hash', models.CharField(max_length=64)),
                        ('step', models.PositiveSmallIntegerField(default=0)),
                        ('answers', models.JSONField(blank=True, default=dict)),
                        ('client_id', models.UUIDField(blank=True, null=True)),
                        ('started_at', models.DateTimeField()),
                        ('updated_at', models.DateTimeField()),
                        ('point', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='registry.servicepoint')),
                        ('service', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='registry.service')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='registry.serviceunit')),
                    ],
                    options={
                        'db_table': 'surveys_smsconversation',
                        'ordering': ['-updated_at'],
                        'constraints': [models.UniqueConstraint(fields=('provider', 'phone_hash'), name='one_conversation_per_phone')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
