"""Pages show choices by their labels ("Đang thực hiện"), never by their stored codes."""

import html
import inspect
import re

import pytest
from django.db import models
from django.urls import reverse

from directives import choices as directive_choices
from notifications import choices as notification_choices
from reports import choices as report_choices
from units import choices as unit_choices

CHOICE_MODULES = [unit_choices, directive_choices, report_choices, notification_choices]


def stored_codes() -> set[str]:
    """Every value a choice field stores that reads as a code: not a number or a blank, and not
    two letters that are also a Vietnamese word ("do")."""
    codes = set()
    for module in CHOICE_MODULES:
        for _name, enum in inspect.getmembers(module, inspect.isclass):
            if issubclass(enum, models.TextChoices) and enum is not models.TextChoices:
                codes |= {value for value in enum.values if re.fullmatch(r"[a-z][a-z_]{2,}", value)}
    return codes


def visible_words(page: str) -> set[str]:
    """The words a person reads: no tags, attributes, scripts or styles, and no file name's
    extension ("cong-van.pdf")."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return set(re.findall(r"(?<![.\w])[A-Za-z_]+", text))


def page_urls(cast) -> list[str]:
    return [
        reverse("home"),
        reverse("directives:my_assignments"),
        reverse("directives:directive_list"),
        reverse("directives:directive_detail", args=[cast.directive.pk]),
        reverse("directives:assignment_detail", args=[cast.assignment_a.pk]),
        reverse("directives:assignment_detail", args=[cast.assignment_b.pk]),
        reverse("directives:review_queue"),
        reverse("directives:extension_list"),
        reverse("directives:dashboard"),
        reverse("directives:dashboard_assignments"),
        reverse("directives:concern_list"),
        reverse("directives:concern_detail", args=[cast.concern_a.pk]),
        reverse("directives:explanation_detail", args=[cast.explanation_b.pk]),
        reverse("directives:import_detail", args=[cast.import_job.pk]),
        reverse("directives:document_review", args=[cast.document_import.pk]),
        reverse("reports:report_list"),
        reverse("notifications:notification_list"),
        reverse("notifications:delivery_log"),
    ]


def test_the_codes_looked_for_are_the_stored_values():
    codes = stored_codes()
    assert {"in_progress", "coordinating", "submitted", "escalated", "in_app"} <= codes


@pytest.mark.django_db
def test_the_main_pages_show_no_stored_code_where_a_label_belongs(cast, client_for):
    codes = stored_codes()
    client = client_for(cast.officer)
    shown = {}
    for url in page_urls(cast):
        response = client.get(url)
        assert response.status_code == 200, url
        raw = visible_words(response.content.decode()) & codes
        if raw:
            shown[url] = sorted(raw)
    assert shown == {}


@pytest.mark.django_db
def test_a_units_pages_show_labels_too(cast, client_for):
    codes = stored_codes()
    client = client_for(cast.hamlet_head_a)
    for url in [
        reverse("home"),
        reverse("directives:my_assignments"),
        reverse("directives:assignment_detail", args=[cast.assignment_a.pk]),
        reverse("directives:update_create", args=[cast.assignment_a.pk]),
    ]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert visible_words(response.content.decode()) & codes == set(), url
