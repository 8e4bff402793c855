"""The English locale: a complete, well-formed catalogue, English pages on request, Vietnamese
pages by default, and Vietnamese wherever the text is an official document or reaches others.

The catalogue is read with a tiny parser written here (no gettext tools, no polib), so the
check runs on any machine.
"""

import ast
import datetime
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from notifications.models import Notification
from sonmai.lib.charts import _percent_text
from sonmai.templatetags import long_date

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"

#: %(name)s, %(month)02d, %(count)d …; a bare %s; a literal %% (doubled in {% translate %}).
PERCENT = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdif]|%%|%s|%d")
BRACES = re.compile(r"\{\{\s*[^}]*?\s*\}\}")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)


def parse_po(text: str) -> list[Entry]:
    """Entries of a .po file (the header included, obsolete ``#~`` ones left out)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None

    def start(number: int) -> Entry:
        nonlocal current
        if current is None or current.msgstr:
            current = Entry(line=number)
            entries.append(current)
        return current

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            start(number).flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = None, line
        value = ast.literal_eval(rest)
        if keyword is None:
            name, index = target
            entry = current
        elif keyword.startswith("msgstr"):
            entry = current
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            name = "msgstr"
            entry.msgstr.setdefault(index, "")
        else:
            entry = start(number)
            name, index = keyword, 0
            setattr(entry, name, "")
        target = (name, index)
        if name == "msgstr":
            entry.msgstr[index] += value
        else:
            setattr(entry, name, getattr(entry, name) + value)
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(PERCENT.findall(text) + [" ".join(b.split()) for b in BRACES.findall(text)])


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return parse_po(PO.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _vietnamese_afterwards():
    """The language middleware leaves the request's language active on the thread."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


class TestCatalogue:
    def test_the_parser_reads_every_entry(self, catalogue):
        header, *messages = catalogue
        assert header.msgid == ""
        assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]
        assert "Language: en" in header.msgstr[0]
        assert len(messages) > 800
        plurals = [m for m in messages if m.msgid_plural]
        assert plurals and all(sorted(m.msgstr) == [0, 1] for m in plurals)

    def test_every_entry_is_translated_and_checked(self, catalogue):
        untranslated = [m.line for m in catalogue[1:] if not all(m.msgstr.values())]
        fuzzy = [m.line for m in catalogue if "fuzzy" in m.flags]
        assert not untranslated, f"empty msgstr at lines {untranslated}"
        assert not fuzzy, f"fuzzy entries at lines {fuzzy}"

    def test_placeholders_match(self, catalogue):
        wrong = []
        for m in catalogue[1:]:
            if m.msgid_plural is None:
                pairs = [(m.msgid, m.msgstr[0])]
            else:
                pairs = [(m.msgid, m.msgstr[0]), (m.msgid_plural, m.msgstr[1])]
            wrong += [(m.line, s) for src, s in pairs if placeholders(src) != placeholders(s)]
        assert not wrong

    def test_html_in_msgids_is_kept(self, catalogue):
        tag = re.compile(r"</?[a-z][^>]*>")
        wrong = [
            m.line
            for m in catalogue[1:]
            if sorted(tag.findall(m.msgid)) != sorted(tag.findall(m.msgstr[0]))
        ]
        assert not wrong

    def test_the_committed_mo_is_compiled_from_the_po(self, catalogue):
        """A fresh machine without gettext tools uses the committed .mo: it must be current."""
        with MO.open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)
        for m in catalogue[1:]:
            key = m.msgid if m.msgctxt is None else f"{m.msgctxt}\x04{m.msgid}"
            if m.msgid_plural is None:
                assert compiled._catalog.get(key) == m.msgstr[0], m.msgid
            else:
                assert compiled._catalog.get((key, 0)) == m.msgstr[0], m.msgid
                assert compiled._catalog.get((key, 1)) == m.msgstr[1], m.msgid

    def test_official_vietnamese_stays_vietnamese(self, catalogue):
        by_id = {m.msgid: m.msgstr[0] for m in catalogue[1:] if m.msgid_plural is None}
        for official in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"):
            assert by_id[official] == official
        assert by_id["Việc của đơn vị"] == "Unit's tasks"
        assert by_id["Đôn đốc"] == "Urge"
        assert by_id["Trưởng thôn"] == "Hamlet head"


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


VIETNAMESE_UI = ["Việc của đơn vị", "Đăng xuất", "Cập nhật tiến độ", "Trang chủ", "Tìm kiếm"]


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


class TestPages:
    def pages(self, cast):
        a = cast.assignment_a
        return [
            (cast.officer, "/", ["Hello,", "Open the dashboard", "Progress on directives"]),
            (cast.hamlet_head_a, reverse("directives:my_assignments"), ["Tasks of Thôn An"]),
            (
                cast.hamlet_head_a,
                reverse("directives:assignment_detail", args=[a.pk]),
                ["Update progress", "Assigned on", "Change history", "Extension request"],
            ),
            (
                cast.hamlet_head_a,
                reverse("directives:update_create", args=[a.pk]),
                ["Send update", "Completion rate (%)", "Results achieved", "Evidence"],
            ),
            (
                cast.officer,
                "/bang-theo-doi/",
                ["Implementation dashboard", "Figures as of", "Clear filters", "Avg. progress"],
            ),
        ]

    def test_with_the_english_cookie_pages_are_english(self, cast, client_for):
        for user, url, texts in self.pages(cast):
            client = english(client_for(user))
            response = client.get(url)
            html = response.content.decode()
            assert response.status_code == 200 and response["Content-Language"] == "en"
            assert '<html lang="en">' in html
            for text in ["Home", "Sign out", "Search", "Notification settings", *texts]:
                assert text in html, (url, text)
            for text in VIETNAMESE_UI:
                assert text not in html, (url, text)

    def test_without_a_cookie_the_same_pages_are_vietnamese(self, cast, client_for):
        for user, url, _texts in self.pages(cast):
            html = page(client_for(user), url)
            assert '<html lang="vi">' in html
            assert "Đăng xuất" in html and "Trang chủ" in html
            assert "Sign out" not in html and "Unit's tasks" not in html
        html = page(client_for(cast.hamlet_head_a), reverse("directives:my_assignments"))
        assert "Việc của đơn vị" in html and "Việc của Thôn An" in html

    def test_the_footer_switch_sets_the_language(self, cast, client_for):
        client = client_for(cast.hamlet_head_a)
        home = reverse("directives:my_assignments")
        assert "Việc của đơn vị" in page(client, home)
        response = client.post(reverse("set_language"), {"language": "en", "next": home})
        assert response.status_code == 302
        html = page(client, home)
        assert "Unit's tasks" in html and 'value="vi">Tiếng Việt</button>' in html
        client.post(reverse("set_language"), {"language": "vi", "next": home})
        assert "Việc của đơn vị" in page(client, home)

    def test_a_document_keeps_its_official_vietnamese_citation(self, cast, client_for):
        html = page(english(client_for(cast.officer)), reverse("directives:directive_list"))
        assert f"Công văn số {cast.directive.code}" in html
        assert "Official letter số" not in html


class TestWhatStaysVietnamese:
    def test_an_english_readers_notice_reaches_the_unit_in_vietnamese(self, cast, client_for):
        client = english(client_for(cast.officer))
        url = reverse("directives:update_review", args=[cast.update_a.pk])
        response = client.post(url, {"decision": "returned", "reason": "Thiếu biên bản."})
        assert response.status_code == 302
        notice = Notification.objects.get(recipient=cast.hamlet_head_a)
        assert notice.title.startswith("Cập nhật bị trả lại:")
        assert notice.body.startswith("Lý do: Thiếu biên bản")
        assert "Returned the update to Thôn An." in page(client, url)

    def test_the_pdf_report_is_vietnamese_whatever_the_reader_chose(self):
        from reports.renderers.html import render_report_html
        from tests.reports.conftest import small_snapshot

        snapshot = small_snapshot()
        with translation.override("en"):
            html = render_report_html(snapshot)
        for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", "Kính gửi:", "Nơi nhận:"):
            assert text in html
        assert "Recipients:" not in html and "To:" not in html

    def test_dates_and_decimals_follow_the_page_language(self):
        day = datetime.date(2026, 2, 7)
        assert long_date(day) == "ngày 07 tháng 02 năm 2026"
        assert _percent_text(42.5) == "42,5%"
        with translation.override("en"):
            assert long_date(day) == "7 February 2026"
            assert _percent_text(42.5) == "42.5%"
