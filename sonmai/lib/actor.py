"""Who is acting right now, for the history of changes.

Services pass the acting user explicitly and wrap their work in ``acting_as(actor)``; the
request middleware does the same for anything a signed-in person changes through the admin.
Model-level history reads ``current_actor()`` so that even bulk updates know who made them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_actor: ContextVar[object | None] = ContextVar("sonmai_actor", default=None)
_in_admin: ContextVar[bool] = ContextVar("sonmai_in_admin", default=False)


def current_actor() -> object | None:
    return _actor.get()


@contextmanager
def acting_as(user: object | None) -> Iterator[None]:
    token = _actor.set(user if getattr(user, "is_authenticated", False) else None)
    try:
        yield
    finally:
        _actor.reset(token)


def in_admin() -> bool:
    """Whether the change being made comes from the Django admin (recorded with its values)."""
    return _in_admin.get()


@contextmanager
def through_admin(active: bool = True) -> Iterator[None]:
    token = _in_admin.set(active)
    try:
        yield
    finally:
        _in_admin.reset(token)
