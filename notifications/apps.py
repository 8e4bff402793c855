from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Nhắc việc và thông báo")

    def ready(self) -> None:
        from notifications import checks, signals  # noqa: F401 - registers handlers and checks
