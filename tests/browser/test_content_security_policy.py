"""Every page of every role, in Chromium, under the portal's Content-Security-Policy: not one
violation and not one console error.

The pages come from the role × URL matrix (``tests/access_matrix.py``): every GET case, for
every person who gets 200 there, so a page added to the matrix is visited here too. Files
(downloads, page pictures) are checked for their private headers instead. On top of that the
administrator walks the admin, and the JavaScript that runs on clicks is exercised: the menu,
the user menu, the dashboard filters, the date picker, the editor's buttons and the progress
form's background sending.

A listener injected before any page script reports each ``securitypolicyviolation`` to the
test; it is checked once against a deliberate inline style, so the test cannot pass because
nothing was listening.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from directives.choices import Cadence
from directives.periods import period_containing
from tests import factories as f
from tests.access_matrix import CASES
from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.reports import reportkit as rk
from tests.test_security_headers import POLICY
from units.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu"  # the cast's password (tests/factories.py)
DESKTOP = {"width": 1366, "height": 900}

LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation({
    page: document.location.pathname + document.location.search,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
});
"""
# Violations are reported in tasks queued after the page loaded (a blocked background image is
# found at layout): two frames and a task later they have all been delivered.
SETTLE = """() => new Promise((resolve) => {
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0)));
})"""


@dataclass
class Watch:
    """One person's browser context, and everything wrong it has seen."""

    person: str
    context: object
    violations: list[dict] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)  # (path, message)

    @classmethod
    def open(cls, browser, live_server, person: str, viewport: dict) -> Watch:
        context = browser.new_context(viewport=viewport, locale="vi-VN", base_url=live_server.url)
        watch = cls(person, context)
        context.expose_function("reportCspViolation", lambda found: watch.violations.append(found))
        context.add_init_script(LISTENER)
        context.on("console", watch._console)
        context.on(
            "weberror",
            lambda error: watch.console.append((_path(error.page.url), f"error: {error.error}")),
        )
        return watch

    def _console(self, message) -> None:
        # The browser asks for /favicon.ico on its own; the portal has none, and its 404 is no
        # fault of a page.
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        if message.type in ("error", "warning"):
            self.console.append((_path(message.page.url), f"{message.type}: {message.text}"))

    def page(self):
        page = self.context.new_page()
        page.set_default_timeout(15_000)
        return page

    def problems(self, files: set[str]) -> list[str]:
        """What went wrong on pages. A file opened as the top document (a page picture) is
        shown by Chromium's own viewer, whose inline style and script the file's sandbox
        policy refuses, as it should; its headers are checked instead."""
        found = [f"{self.person}: CSP {v}" for v in self.violations if v["page"] not in files]
        return found + [
            f"{self.person} on {path}: {text}" for path, text in self.console if path not in files
        ]


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def a_month_per_report(monkeypatch):
    """The matrix builds each report it needs for this month, in a test of its own; here all
    cases share one cast, and a directive has one report a month, so each gets its own month."""
    day = timezone.localdate()

    def next_month_key() -> str:
        nonlocal day
        key = period_containing(day, Cadence.MONTHLY).key
        day -= datetime.timedelta(days=31)
        return key

    monkeypatch.setattr(rk, "current_key", next_month_key)


def settle(page) -> None:
    page.evaluate(SETTLE)


def policy_of(headers: dict[str, str]) -> dict[str, str]:
    header = headers.get("content-security-policy", "")
    return dict(part.strip().split(None, 1) for part in header.split(";") if part.strip())


def pages_by_person(cast) -> dict[str, list[str]]:
    """Every GET the matrix gives 200, grouped by the person who gets it."""
    pages: dict[str, list[str]] = defaultdict(list)
    for case in CASES:
        if case.method != "get":
            continue
        url = case.url(cast)
        for person, status in case.expect.items():
            if status == 200 and url not in pages[person]:
                pages[person].append(url)
    return pages


def admin_pages(user) -> list[str]:
    """The list, the add form and the first record's form of every model in the admin, as far
    as the model's admin offers them."""
    request = RequestFactory().get("/")
    request.user = user
    pages = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"{name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse(f"{name}_change", args=[first.pk]))
    return pages


def visit(watch: Watch, page, url: str, files: list[str]) -> None:
    """Open ``url``; a page must carry the policy, a file its private headers."""
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" not in str(error):
            raise
        check_file(watch, url, files)
        return
    assert response is not None and response.status == 200, f"{watch.person} {url}"
    # Not sent elsewhere on the way (to the sign-in page, or a second sign-in step).
    assert _path(response.url) == url, f"{watch.person}: {url} led to {response.url}"
    headers = response.headers
    if not headers.get("content-type", "").startswith("text/html"):
        check_file(watch, url, files)
        return
    assert policy_of(headers) == POLICY, f"{url}: {headers.get('content-security-policy')}"
    settle(page)


def check_file(watch: Watch, url: str, files: list[str]) -> None:
    headers = watch.context.request.get(url).headers
    disposition = headers.get("content-disposition", "")
    assert disposition.startswith(("attachment;", "inline;")), f"{url}: {disposition}"
    assert "filename*=UTF-8''" in disposition, url
    assert headers.get("x-content-type-options") == "nosniff", url
    assert {"private", "no-store"} <= {
        part.strip() for part in headers.get("cache-control", "").split(",")
    }, url
    files.append(url)


def test_no_page_of_any_role_breaks_the_content_security_policy(
    cast, a_month_per_report, browser, live_server
):
    pages = pages_by_person(cast)
    superuser = f.UserFactory(
        username="quantri",
        role=Role.CLERK,
        organisation=cast.commune,
        is_staff=True,
        is_superuser=True,
    )
    assert superuser.pk
    watches: list[Watch] = []
    files: list[str] = []
    visited = 0

    # The collector works: a style attribute slipped into a page is reported.
    probe = Watch.open(browser, live_server, "probe", PHONE)
    page = probe.page()
    page.goto(reverse("login"))
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    settle(page)
    assert [v["directive"] for v in probe.violations] == ["style-src-attr"]
    probe.context.close()

    for person, urls in sorted(pages.items()):
        watch = Watch.open(browser, live_server, person, PHONE)
        watches.append(watch)
        page = watch.page()
        if person != "anonymous":
            sign_in(page, getattr(cast, person).username, PASSWORD)
            assert "/dang-nhap/" not in page.url, f"{person} could not sign in"
        for url in urls:
            visit(watch, page, url, files)
            visited += 1
        if person == "officer":
            exercise_office_pages(page, cast)
        elif person == "hamlet_head_a":
            exercise_progress_form(page, cast)
        watch.context.close()

    # The administrator's admin, and the officer's pages again on a wide screen (other rules
    # of the stylesheet apply there: the menu is a bar, the editor has two columns).
    wide = [
        ("superuser", superuser.username, admin_pages(superuser)),
        ("officer", cast.officer.username, pages["officer"]),
    ]
    for label, username, urls in wide:
        watch = Watch.open(browser, live_server, f"{label} (1366 px)", DESKTOP)
        watches.append(watch)
        page = watch.page()
        sign_in(page, username, PASSWORD)
        for url in urls:
            visit(watch, page, url, files)
            visited += 1
        watch.context.close()

    problems = [problem for watch in watches for problem in watch.problems(set(files))]
    assert not problems, "\n".join(problems)
    assert visited > 250 and len(set(files)) >= 5, (visited, files)  # 280 and 5 today


def exercise_office_pages(page, cast) -> None:
    """The JavaScript the monitoring officer's clicks run."""
    page.goto(reverse("directives:dashboard"))
    page.click(".navbar-toggler")  # Bootstrap's collapse animates through element.style
    page.locator("#main-nav.show").wait_for()
    page.click("a.dropdown-toggle")
    page.locator(".dropdown-menu.show").wait_for()
    page.click(".navbar-toggler")
    page.click("summary:has-text('Lọc')")
    page.select_option("#id_phan_loai", "overdue")
    page.click("button:has-text('Áp dụng')")
    page.wait_for_url("**phan_loai=overdue**")
    settle(page)
    screenshot(page, "csp-dashboard-filtered")

    page.goto(reverse("directives:directive_create"))
    date_button = page.locator(".vndate-button").first
    date_button.wait_for()
    date_button.click()  # the calendar button the script adds beside every date field
    page.keyboard.press("Escape")
    shortcut = page.locator("[data-set-role='lead']").first
    if shortcut.count():
        shortcut.click()
    page.click("button[value^='add-task']")
    page.wait_for_load_state()
    settle(page)
    screenshot(page, "csp-editor-task-added")

    page.goto(reverse("directives:document_review", args=[cast.document_import.pk]))
    settle(page)


def exercise_progress_form(page, cast) -> None:
    """The progress form keeps a draft in the phone and sends in the background, then writes
    the server's answer into the page."""
    page.goto(reverse("directives:update_create", args=[cast.assignment_a.pk]))
    page.fill("textarea[name=results]", "Đã họp dân, 42 hộ tham dự.")
    page.click("form[data-draft-key] > button[type=submit]")
    page.locator("#send-status").wait_for(state="detached")  # the answer replaced the page
    page.wait_for_load_state()
    settle(page)
    screenshot(page, "csp-progress-sent")
