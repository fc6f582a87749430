"""One demo model row: merge the duplicates simultaneous first page views made, then a
constraint so it cannot happen again."""

from django.db import migrations, models


def merge_demo_models(apps, schema_editor):
    ChatModel = apps.get_model("chat", "ChatModel")
    Conversation = apps.get_model("chat", "Conversation")
    demo_models = list(ChatModel.objects.filter(kind="demo").order_by("-is_default", "id"))
    if len(demo_models) < 2:
        return
    kept, duplicates = demo_models[0], [row.pk for row in demo_models[1:]]
    Conversation.objects.filter(model_id__in=duplicates).update(model=kept)
    ChatModel.objects.filter(pk__in=duplicates).delete()
    if schema_editor.connection.vendor == "postgresql":
        # PostgreSQL defers foreign-key checks to the commit and refuses to build an index on
        # a table with checks still pending: run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(merge_demo_models, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="chatmodel",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "demo")), fields=("kind",), name="one_demo_model"
            ),
        ),
    ]
