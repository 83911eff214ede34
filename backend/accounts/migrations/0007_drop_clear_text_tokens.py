"""Drop DRF's token table (rest_framework.authtoken, no longer installed).

Its tokens were stored in clear, never expired, were shared by every device
of a user and survived a password change. They are not carried over as
device tokens: each phone signs in again and gets its own, named, expiring
token, and the clear-text secrets leave the database.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_guard_reads_device_tokens")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
