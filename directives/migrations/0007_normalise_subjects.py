"""Subjects typed with their own "V/v" or "Về việc" lose it, so pages and reports that add
their own ("V/v …", "về việc …") never write it twice."""

from django.db import migrations

from directives.models.directive import normalise_subject


def forwards(apps, schema_editor):
    Directive = apps.get_model("directives", "Directive")
    for directive in Directive.objects.only("pk", "subject").iterator():
        subject = normalise_subject(directive.subject)
        if subject != directive.subject:
            Directive.objects.filter(pk=directive.pk).update(subject=subject)


class Migration(migrations.Migration):
    dependencies = [("directives", "0006_register_from_document")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
