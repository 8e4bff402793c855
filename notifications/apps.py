from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Nhắc việc và thông báo")

    def ready(self) -> None:
        from directives import reminders
        from notifications import checks, notices, planning, signals  # noqa: F401 - handlers, checks

        # The lower apps never import this one: it listens to their signals and registers
        # its reminder planner with the directives app.
        notices.connect()
        reminders.register_planner(planning)
