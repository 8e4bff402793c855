"""The English pages keep the commune's day-first dates, so a date typed on one language's page
means the same day on the other's."""

from sonmai.formats.vi.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: F401
