"""The working calendar moved from notifications to directives: the model follows, its table
and rows stay where they are (``db_table``), and its content type is renamed so permissions
already granted on it keep working."""

from django.db import migrations, models


def rename_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if content_types.objects.filter(app_label="directives", model="workdayexception").exists():
        return
    content_types.objects.filter(app_label="notifications", model="workdayexception").update(
        app_label="directives"
    )


def restore_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if content_types.objects.filter(app_label="notifications", model="workdayexception").exists():
        return
    content_types.objects.filter(app_label="directives", model="workdayexception").update(
        app_label="notifications"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("directives", "0007_normalise_subjects"),
        ("notifications", "0004_sign_in_locked_out_kind"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WorkdayException",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField(unique=True, verbose_name="ngày")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("day_off", "Ngày nghỉ (nghỉ bù, nghỉ theo thông báo)"),
                                    (
                                        "working_day",
                                        "Ngày làm việc bù (làm bù vào ngày nghỉ cuối tuần)",
                                    ),
                                ],
                                max_length=20,
                                verbose_name="loại",
                            ),
                        ),
                        (
                            "description",
                            models.CharField(
                                help_text=(
                                    "Ví dụ: Nghỉ bù dịp Tết Nguyên đán theo Thông báo số …/TB-BNV."
                                ),
                                max_length=255,
                                verbose_name="căn cứ, ghi chú",
                            ),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="cập nhật lúc"),
                        ),
                    ],
                    options={
                        "verbose_name": "ngày nghỉ, ngày làm bù",
                        "verbose_name_plural": "ngày nghỉ, ngày làm bù",
                        "ordering": ["-date"],
                        "db_table": "notifications_workdayexception",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, restore_content_type),
    ]
