"""Second factors (issue 19): when each person became staff, and the owner's requirement.

The requirement is on for a new instance. An instance that already exists keeps it off
until an owner turns it on: a countdown that no one chose must not end with its admins
shut out of the panel. Its staff count as staff since this upgrade."""

from django.db import migrations, models
from django.utils import timezone

STAFF_ROLES = ("owner", "admin", "user_manager", "auditor")


def staff_since_now(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(role__in=STAFF_ROLES, staff_since__isnull=True).update(
        staff_since=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_display_name_and_sso_scim_origins"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="staff_since",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(staff_since_now, migrations.RunPython.noop),
        # Off for the settings row an existing instance already has ...
        migrations.AddField(
            model_name="instancesettings",
            name="mfa_required_for_staff",
            field=models.BooleanField(default=False),
        ),
        # ... on for the row a new instance creates later.
        migrations.AlterField(
            model_name="instancesettings",
            name="mfa_required_for_staff",
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name="instancesettings",
            name="mfa_grace_days",
            field=models.PositiveSmallIntegerField(default=7),
        ),
        migrations.AddField(
            model_name="instancesettings",
            name="mfa_required_since",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
