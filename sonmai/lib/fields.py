"""Text fields that hold Vietnamese in one Unicode form (NFC), however it was typed.

The same word can arrive precomposed ("ệ", one code point) or decomposed ("e" + two combining
marks), from a phone keyboard, a pasted PDF or an Excel cell; stored as typed, the two would
not compare equal and searches, uniqueness checks and reports would split them. These fields
normalise on the way in, whichever way that is:

- assigning to the attribute (``task.text = …``, ``Model(…)``, rows read back),
- a form's cleaning (the form field they make) and ``full_clean()``,
- values written by ``QuerySet.update()`` and compared in lookups (``get_prep_value``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from sonmai.lib.vntext import nfc


def _nfc_or_same(value: Any) -> Any:
    return nfc(value) if isinstance(value, str) else value


class _NFCAttribute(DeferredAttribute):
    """Stores what is assigned to the field's attribute in NFC."""

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = _nfc_or_same(value)


class NFCFormField(forms.CharField):
    """A form's text field whose cleaned value is in NFC."""

    def to_python(self, value: Any) -> Any:
        return _nfc_or_same(super().to_python(value))


if TYPE_CHECKING:
    _TextField = models.Field[Any, Any]
else:
    _TextField = object


class _NFCMixin(_TextField):
    """Put before CharField or TextField: their behaviour, with every way in normalised."""

    descriptor_class = _NFCAttribute

    def to_python(self, value: Any) -> Any:
        return _nfc_or_same(super().to_python(value))

    def get_prep_value(self, value: Any) -> Any:
        return _nfc_or_same(super().get_prep_value(value))

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return super().formfield(
            form_class=form_class or NFCFormField, choices_form_class=choices_form_class, **kwargs
        )


class NFCCharField(_NFCMixin, models.CharField):
    """A ``CharField`` for text people type, stored in NFC."""


class NFCTextField(_NFCMixin, models.TextField):
    """A ``TextField`` for text people type, stored in NFC."""
