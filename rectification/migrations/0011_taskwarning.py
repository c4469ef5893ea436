# The Warning model is TaskWarning (it shadowed Python's builtin Warning); table and history follow.
from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("rectification", "0010_constraint_messages"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("Warning", "TaskWarning"),
        migrations.RenameModel("HistoricalWarning", "HistoricalTaskWarning"),
    ]
