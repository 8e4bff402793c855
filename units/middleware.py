from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from units import twofactor

#: Pages a person reaches before giving their second factor: the two steps themselves, signing
#: in and out (the portal's and the admin's), and the language switch.
EXEMPT_VIEWS = frozenset(
    {
        "units:two_factor_verify",
        "units:two_factor_setup",
        "login",
        "logout",
        "admin:logout",
        "set_language",
    }
)


class TwoFactorMiddleware:
    """Serve no page to a signed-in person whose session still owes its second factor.

    Someone with two-factor on is sent to the code page; someone whose role requires it and who
    has not set it up, to enrolment (``twofactor.gate``). Every page is covered, the admin
    included; the ``next`` of a page asked for with GET is kept. Goes after
    ``AuthenticationMiddleware`` and django-otp's ``OTPMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified() and not self.exempt(request):
            step = twofactor.gate(user)
            if step is not None:
                target = reverse(step)
                if request.method in {"GET", "HEAD"}:
                    target += "?" + urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(target)
        return self.get_response(request)

    @staticmethod
    def exempt(request: HttpRequest) -> bool:
        path = request.path_info
        if path.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(path, getattr(request, "urlconf", None))
        except Resolver404:
            return False
        return match.view_name in EXEMPT_VIEWS
