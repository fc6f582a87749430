"""API keys carry a role (issue 14). Keys made before had full access: they become owner keys,
so no integration loses access on upgrade; new keys name their role."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_usertoken_moved_to_accounts"),
        ("accounts", "0004_roles_approval_time_zone"),
    ]

    operations = [
        migrations.AddField(
            model_name="apikey",
            name="role",
            field=models.CharField(
                choices=[
                    ("owner", "Owner"),
                    ("admin", "Admin"),
                    ("user_manager", "User manager"),
                    ("auditor", "Auditor"),
                    ("member", "Member"),
                ],
                default="owner",
                max_length=16,
            ),
            preserve_default=False,
        ),
    ]
