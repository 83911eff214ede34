"""The account that automatic changes are recorded under.

The deadline scan marks cases overdue on its own; every change to a case
leaves an event with its actor, so those events need one. The account can
never sign in (inactive, no usable password) and has no role, so it sees
nothing and no list offers it.
"""

from django.db import migrations

SYSTEM_USERNAME = "system"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model("accounts", "User")
    User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={
            "full_name": "Hệ thống TTXD (tự động)",
            "is_active": False,
            "password": "!system-account-no-sign-in",
            "role": "",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_access_unchanged_function")]

    # Not removed on the way back: events may name it (their actor is protected).
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
