"""Frozen dataclasses to JSON-ready values and back, driven by their type hints.

Handles what report snapshots are made of: nested frozen dataclasses, ``tuple[X, ...]``,
``X | None``, dates, aware datetimes (written in Vietnamese time, ISO 8601), str (kept in NFC),
int, float and bool. A union of several dataclasses is told apart by their ``kind`` class
attribute, which is written as the first key of each object. Anything else is refused with a
``SnapshotError`` naming what is wrong.
"""

from __future__ import annotations

import dataclasses
import datetime
import types
import typing
import unicodedata
from typing import Any, Union
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class SnapshotError(ValueError):
    """A snapshot (or its JSON) does not have the shape or the invariants a report needs."""


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        kind = getattr(type(value), "kind", None)
        if isinstance(kind, str):
            out["kind"] = kind
        for field in dataclasses.fields(value):
            out[field.name] = encode(getattr(value, field.name))
        return out
    if isinstance(value, tuple | list):
        return [encode(item) for item in value]
    if isinstance(value, datetime.datetime):
        return value.astimezone(VIETNAM).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def decode(hint: Any, data: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if data is None:
            if len(options) < len(typing.get_args(hint)):
                return None
            raise SnapshotError("A required value is null.")
        if len(options) > 1:  # a union of dataclasses: pick the class by its kind
            kinds = {getattr(option, "kind", None): option for option in options}
            if not isinstance(data, dict) or data.get("kind") not in kinds:
                raise SnapshotError(f"Unknown block: {data!r:.80}")
            return decode(kinds[data["kind"]], data)
        return decode(options[0], data)
    if origin is tuple:
        item_hint = typing.get_args(hint)[0]
        if not isinstance(data, list):
            raise SnapshotError(f"Expected a list, got {data!r:.80}")
        return tuple(decode(item_hint, item) for item in data)
    if dataclasses.is_dataclass(hint):
        return _decode_dataclass(hint, data)
    try:
        if hint is datetime.datetime:
            return datetime.datetime.fromisoformat(data)
        if hint is datetime.date:
            return datetime.date.fromisoformat(data)
    except (TypeError, ValueError):
        raise SnapshotError(f"Not an ISO date: {data!r:.40}") from None
    if hint is float and isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    if hint is int and isinstance(data, int) and not isinstance(data, bool):
        return data
    if hint is bool and isinstance(data, bool):
        return data
    if hint is str and isinstance(data, str):
        return unicodedata.normalize("NFC", data)
    raise SnapshotError(f"Expected {getattr(hint, '__name__', hint)}, got {data!r:.40}")


def _decode_dataclass(cls: type, data: Any) -> Any:
    if not isinstance(data, dict):
        raise SnapshotError(f"Expected an object for {cls.__name__}, got {data!r:.80}")
    hints = _hints(cls)
    fields = dataclasses.fields(cls)
    kwargs = {}
    for field in fields:
        if field.name in data:
            kwargs[field.name] = decode(hints[field.name], data[field.name])
        elif field.default is dataclasses.MISSING:
            raise SnapshotError(f"{cls.__name__} lacks {field.name}.")
    unknown = set(data) - {f.name for f in fields} - {"kind"}
    if unknown:
        raise SnapshotError(f"{cls.__name__} has unknown keys: {sorted(unknown)}")
    return cls(**kwargs)
