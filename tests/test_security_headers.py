"""The headers every response carries: the strict Content-Security-Policy on pages,
``Cache-Control: private, no-store`` for signed-in people and cookie-setting pages, and the
private file headers on every download. (``check --deploy`` with production values, which must
find nothing, is tests/units/test_settings.py.)"""

from __future__ import annotations

import re
import urllib.parse

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from sonmai.lib.downloads import ascii_filename, content_disposition
from tests.access_matrix import CASES

POLICY = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
GET_CASES = [case for case in CASES if case.method == "get"]


def policy_of(response) -> dict[str, str]:
    header = response.get("Content-Security-Policy", "")
    return dict(part.strip().split(None, 1) for part in header.split(";") if part.strip())


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_private_file(response, url: str) -> None:
    disposition = response["Content-Disposition"]
    assert disposition.startswith(("attachment; ", "inline; ")), url
    assert re.search(r"; filename=\"[ -~]+\"; filename\*=UTF-8''[A-Za-z0-9%._~-]+$", disposition)
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert {"private", "no-store"} <= cache_directives(response), url
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'", url


@pytest.mark.parametrize("case", GET_CASES, ids=lambda case: case.name)
def test_every_page_and_file_a_signed_in_person_gets_is_private(case, cast, client_for):
    """For every GET of the matrix and every person who gets 200: a page carries the exact
    policy and is not stored; a file carries the private file headers."""
    url = case.url(cast)
    people = [p for p, status in case.expect.items() if status == 200 and p != "anonymous"]
    # Pages nobody of the cast is shown as a plain GET: the sign-in page (anonymous, below) and
    # the code page (only at the gate; its headers: tests/units/test_two_factor.py).
    assert people or case.name in {"login", "units:two_factor_verify"}
    for person in people:
        response = client_for(getattr(cast, person)).get(url)
        assert response.status_code == 200, (person, url)
        if response.has_header("Content-Disposition"):
            assert_private_file(response, url)
            continue
        assert response["Content-Type"].startswith("text/html"), url
        assert policy_of(response) == POLICY, (person, url)
        assert {"private", "no-store"} <= cache_directives(response), (person, url)


@pytest.mark.parametrize(
    ("name", "export"),
    [
        ("directives:dashboard", "don-vi"),
        ("directives:dashboard", "ma-tran"),
        ("directives:dashboard_assignments", "danh-sach"),
    ],
)
def test_excel_exports_are_private_downloads(cast, client_for, name, export):
    response = client_for(cast.officer).get(reverse(name), {"xuat": export})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert_private_file(response, export)
    assert response["Content-Disposition"].endswith(".xlsx")


def test_the_sign_in_page_is_not_stored_though_anonymous(db):
    """It carries a CSRF token (and sets its cookie): a stored copy would hand one person's
    token to the next user of a shared phone."""
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert policy_of(response) == POLICY
    assert {"private", "no-store"} <= cache_directives(response)


def test_an_anonymous_page_that_sets_a_cookie_is_not_stored(db):
    """The 404 page has the language form, so it sets the CSRF cookie: not stored either."""
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert settings.CSRF_COOKIE_NAME in response.cookies
    assert {"private", "no-store"} <= cache_directives(response)


def test_a_plain_anonymous_redirect_keeps_its_caching(db):
    """Nothing private and no cookie: the middleware leaves it alone."""
    response = Client().get(reverse("directives:dashboard"))
    assert response.status_code == 302
    assert not response.cookies
    assert not response.has_header("Cache-Control")


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_keep_their_caching_for_a_signed_in_person(cast, client_for):
    """WhiteNoise answers before the cache middleware, so even a signed-in person's browser
    may keep the stylesheet."""
    response = client_for(cast.officer).get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in cache_directives(response)
    assert not response.has_header("Content-Security-Policy")


def test_admin_pages_carry_the_policy_too(cast, client_for):
    response = client_for(cast.officer).get(reverse("admin:index"))
    assert response.status_code == 200
    assert policy_of(response) == POLICY
    assert {"private", "no-store"} <= cache_directives(response)


# --- the download helper ------------------------------------------------------------------
def test_a_vietnamese_file_name_is_sent_both_ways():
    header = content_disposition("Báo cáo tháng 5 – Đảng ủy.pdf")
    ascii_part, utf8_part = header.removeprefix("attachment; ").split("; ")
    assert ascii_part == 'filename="Bao cao thang 5 _ Dang uy.pdf"'
    assert urllib.parse.unquote(utf8_part.removeprefix("filename*=UTF-8''")) == (
        "Báo cáo tháng 5 – Đảng ủy.pdf"
    )


@pytest.mark.parametrize(
    "hostile",
    [
        'a"; filename="evil.exe',
        "../../etc/passwd",
        "bao-cao\r\nSet-Cookie: x=1.pdf",
        "C:\\Windows\\x.pdf",
    ],
)
def test_a_file_name_cannot_break_out_of_the_header(hostile):
    header = content_disposition(hostile)
    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2  # only the quotes around the ASCII name
    assert "/" not in header.split("filename*=")[0] and "\\" not in header
    decoded = urllib.parse.unquote(header.split("''", 1)[1])
    assert not {"/", "\\", '"', "\r", "\n"} & set(decoded)


def test_an_empty_or_unprintable_name_still_gets_one():
    assert ascii_filename("Đơn.docx") == "Don.docx"
    assert content_disposition("") == "attachment; filename=\"tep\"; filename*=UTF-8''tep"
    assert content_disposition("ảnh.png", inline=True).startswith('inline; filename="anh.png"')
