# Conversations that existed before topics (issue 8) were all SKM surveys: name
# them so, or a citizen mid-survey who sends "SKM" would start over. The moved
# model's content type (surveys.smsconversation) becomes messaging's, so
# permissions granted on it are kept.

from django.db import migrations


def name_topics_and_move_content_type(apps, schema_editor):
    conversations = apps.get_model("messaging", "SmsConversation")
    conversations.objects.filter(topic="").update(topic="skm")
    content_types = apps.get_model("contenttypes", "ContentType")
    old = content_types.objects.filter(app_label="surveys", model="smsconversation")
    if not content_types.objects.filter(
        app_label="messaging", model="smsconversation"
    ).exists():
        old.update(app_label="messaging")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('messaging', '0002_add_topic'),
    ]

    operations = [
        migrations.RunPython(
            name_topics_and_move_content_type, migrations.RunPython.noop
        ),
    ]
