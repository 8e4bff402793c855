from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from sonmai.lib.actor import acting_as, through_admin


class LanguageMiddleware:
    """Vietnamese for everyone unless the person picked another language.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, and many phones
    here are set to English; the portal is Vietnamese first, English only on request (the
    language cookie set by the switch in the footer).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The thread serves other requests (and tests) next: leave no language behind.
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        return response


class ActorMiddleware:
    """Record the signed-in person as the actor of every change made during the request, and
    whether the change comes through the Django admin (whose changes are recorded with their
    old and new values, ``directives.audit``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        admin = request.path_info.startswith(self.admin_prefix)
        with acting_as(getattr(request, "user", None)), through_admin(admin):
            return self.get_response(request)
