"""Dates as the commune writes them: "15/12/2026" (Django's Vietnamese locale lists no input
formats, so "15/12/2026" was refused as a month 15). Every date field of the portal and of the
admin reads these; the first is also how a date is shown in a form."""

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
