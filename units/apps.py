from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Tổ chức và đơn vị")

    def ready(self) -> None:
        from units import signals

        signals.connect()
        check_two_factor_roles(settings.TWO_FACTOR_ROLES)


def check_two_factor_roles(names: list[str]) -> None:
    """Stop the process on a misspelt TWO_FACTOR_ROLES, which would otherwise silently leave
    a role without two-factor."""
    from units.choices import ADMINISTRATORS, Role

    known = {*Role.values, ADMINISTRATORS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ImproperlyConfigured(
            f"TWO_FACTOR_ROLES has unknown names {', '.join(unknown)}; use any of "
            f"{', '.join(sorted(known))}, or none."
        )
