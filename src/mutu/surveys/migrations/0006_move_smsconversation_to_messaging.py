# The SMS/WhatsApp conversation model moved to the messaging app (issue 8): the
# surveys app forgets it, the table stays where it is (messaging 0001 adopts it).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0005_integrity_pending'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='SmsConversation')],
            database_operations=[],
        ),
    ]
