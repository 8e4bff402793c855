"""Text that is stored or sent to others is written in the portal's language.

A person may read the portal in English, but what they write into shared records (a deadline
change's reason, a notice, a report) is read by others in Vietnamese; compose it inside
``portal_language()``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.utils import translation

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def portal_language() -> Iterator[None]:
    with translation.override(settings.LANGUAGE_CODE):
        yield


def in_portal_language(function: Callable[P, R]) -> Callable[P, R]:
    """Decorator form of ``portal_language``."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with portal_language():
            return function(*args, **kwargs)

    return wrapper
