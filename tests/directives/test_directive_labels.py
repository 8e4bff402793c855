"""With several directives, every list that mixes them says which one a task belongs to."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from directives.models import Directive, Task
from tests import factories as f

pytestmark = pytest.mark.django_db


def label(task: Task) -> str:
    return task.label


def test_a_task_label_names_its_directive(cast):
    directive = cast.directive
    assert cast.task_shared.label == f"CV {directive.number} · 1.1"
    directive.number = ""
    directive.save()
    assert Task.objects.get(pk=cast.task_shared.pk).label == "CV …/UBND-VP · 1.1"


@pytest.mark.parametrize(
    ("url", "person"),
    [
        ("directives:concern_list", "officer"),
        ("directives:review_queue", "officer"),
        ("directives:extension_list", "chairman"),
    ],
)
def test_lists_that_mix_directives_name_them(cast, client_for, url, person):
    # The cast has two directives with tasks: every reference is prefixed.
    page = client_for(getattr(cast, person)).get(reverse(url)).content.decode()
    assert f"CV {cast.directive.number} · 1.1" in page


def test_search_results_name_the_directive(cast, client_for):
    page = client_for(cast.officer).get(reverse("directives:search"), {"q": "quan triet"})
    assert f"CV {cast.directive.number} · 1.1" in page.content.decode()


def test_the_dashboard_matrix_heads_its_columns_with_the_directive(cast, client_for):
    page = client_for(cast.officer).get(reverse("directives:dashboard")).content.decode()
    assert f"CV {cast.directive.number} · 1.1" in page
    assert f"CV {cast.other_directive.number} · 1.1" in page


def test_with_a_single_directive_the_short_citation_is_kept(cast, client_for):
    # The second directive followed elsewhere: this commune now follows one.
    other = f.OrganisationFactory()
    Directive.objects.filter(pk=cast.other_directive.pk).update(organisation=other)
    page = client_for(cast.officer).get(reverse("directives:concern_list")).content.decode()
    assert "mục 1, ý 1" in page
    assert " · 1.1" not in page


def test_the_section_filter_offers_only_sections_that_exist(cast, client_for):
    f.SectionFactory(directive=cast.directive, number=2, title="Công tác báo cáo")
    page = client_for(cast.officer).get(reverse("directives:dashboard")).content.decode()
    assert ">Mục 2<" in page and ">Mục 3<" not in page
    chosen = client_for(cast.officer).get(
        reverse("directives:dashboard"), {"van_ban": cast.directive.pk}
    )
    assert "Mục 2. Công tác báo cáo" in chosen.content.decode()


def test_the_assignment_sheet_names_each_directive(cast, client_for):
    response = client_for(cast.officer).get(
        reverse("directives:dashboard_assignments"), {"xuat": "danh-sach"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if "Văn bản" in row)
    column = header.index("Văn bản")
    named = {row[column] for row in rows[rows.index(header) + 1 :] if row[column]}
    assert any(value.startswith(f"CV {cast.directive.number}: ") for value in named)
    assert any(value.startswith(f"CV {cast.other_directive.number}: ") for value in named)
