# UserToken now lives in the accounts app (accounts 0003), on this same table: drop it from
# this app's state only. Dropping the table here would delete every user's token.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("accounts", "0003_usertoken_moved_from_api"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="UserToken")],
            database_operations=[],
        ),
    ]
