"""The working calendar moved to directives (directives 0008 took the model over, with its
table and rows): notifications forgets it without touching the table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_sign_in_locked_out_kind"),
        ("directives", "0008_move_workday_exception"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="WorkdayException")],
            database_operations=[],
        ),
    ]
