"""Who may use the report pages.

Verifying a PDF reveals nothing that is not in the file itself (who signed it, whether it was
changed), so every signed-in member of an organisation may do it: a hamlet head who receives a
report on Zalo can check it as well as the clerk. Drafting, approving and sending reports (phase
2) go through ``units.access`` capabilities.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


def require_verifier(user: object) -> None:
    """403 unless ``user`` is signed in and belongs to an organisation."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "organisation_id", None):
        raise PermissionDenied
