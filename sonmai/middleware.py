from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control

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


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response no cache may keep.

    That is every response to a signed-in person (pages, Excel exports, downloads: they hold the
    commune's work and the person's name), and every response that sets a cookie. The second
    rule covers the sign-in page and any other anonymous form: it sets the CSRF cookie, and a
    stored copy would hand one person's token to the next user of a shared phone or proxy.
    Everything else keeps its caching: static files never reach this middleware (WhiteNoise
    answers them first), and a plain anonymous redirect to the sign-in page sets nothing.

    It sits outside the session, CSRF and auth middlewares so that it sees what they did: the
    cookies they set and ``request.user`` (read after the view, when it is known).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if response.cookies or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response
