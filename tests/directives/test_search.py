"""Search ignores accents and case, on SQLite and PostgreSQL alike, and respects access."""

import pytest
from django.urls import reverse

from tests import factories as f


@pytest.fixture
def searchable(cast):
    cast.task_shared.text = "Tổ chức quán triệt Kết luận đến đảng viên và Nhân dân."
    cast.task_shared.save()
    f.ProgressUpdateFactory(
        assignment=cast.assignment_b,
        author=cast.unit_head_b,
        results="Sinh hoạt chi bộ Đảng chuyên đề về Kết luận.",
    )
    return cast


def search(client, **params):
    return client.get(reverse("directives:search"), params).content.decode()


@pytest.mark.parametrize("query", ["quan triet", "QUAN TRIỆT", "quán triệt", "Quan Triet"])
def test_words_without_accents_find_tasks_with_them(searchable, client_for, query):
    page = search(client_for(searchable.officer), q=query)
    assert "Quán triệt Kết luận" in page  # the task's short title


def test_dang_finds_dang_with_stroke_in_updates(searchable, client_for):
    page = search(client_for(searchable.officer), q="dang")
    assert "Sinh hoạt chi bộ Đảng chuyên đề về Kết luận." in page


def test_a_hamlet_head_finds_only_what_the_hamlet_may_see(searchable, client_for):
    page = search(client_for(searchable.hamlet_head_a), q="ket luan")
    assert "Thôn An" in page
    assert "Sinh hoạt chi bộ Đảng" not in page  # department B's update
    assert "Phòng Kinh tế" not in page.split("<h2")[1]


def test_filters_narrow_results_by_unit_and_review_state(searchable, client_for):
    client = client_for(searchable.officer)
    page = search(client, unit=searchable.hamlet_head_a.unit_id)
    assert "Thôn An" in page and "Rà soát chức năng" not in page
    page = search(client, review="pending")
    assert "Sinh hoạt chi bộ Đảng" in page
    page = search(client, review="accepted")
    assert "Sinh hoạt chi bộ Đảng" not in page


def test_nothing_found_says_so(searchable, client_for):
    page = search(client_for(searchable.officer), q="khong co gi")
    assert "Không có nhiệm vụ nào khớp." in page
