"""What lets every page live under the strict Content-Security-Policy without a browser: no
template or script writes inline style, inline script, handlers or ``data:`` images, the bar
width classes exist for every percent, and Bootstrap's icons are served as files.

The browser test (tests/browser/test_content_security_policy.py) proves the pages it visits;
this one reads every template, so a page the matrix does not reach is held to the same rule.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

BASE_DIR = Path(settings.BASE_DIR)
TEMPLATES = BASE_DIR / "templates"
STATIC = BASE_DIR / "static"
# Not served as pages: e-mails are read in mail programs, and reports/pdf/ holds only the stamp
# WeasyPrint draws into the signature field. (The report's document templates are checked: the
# report pages include the very template WeasyPrint lays out.)
NOT_PAGES = ("emails", "reports/pdf")

FORBIDDEN_IN_TEMPLATES = {
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "inline script": re.compile(
        r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>",
        re.IGNORECASE,
    ),
    "event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "data: image": re.compile(r"data:image", re.IGNORECASE),
}
FORBIDDEN_IN_SCRIPTS = {
    "style set as an attribute": re.compile(r"setAttribute\(\s*[\"']style", re.IGNORECASE),
    "style in written markup": re.compile(r"style=", re.IGNORECASE),
    "cssText": re.compile(r"cssText"),
    "eval": re.compile(r"\beval\(|new Function\("),
    "data: image": re.compile(r"data:image", re.IGNORECASE),
}


def page_templates() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.rglob("*.html")
        if not any(path.relative_to(TEMPLATES).as_posix().startswith(p) for p in NOT_PAGES)
    )


@pytest.mark.parametrize("path", page_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_page_templates_have_nothing_the_policy_blocks(path):
    text = path.read_text(encoding="utf-8")
    found = [name for name, pattern in FORBIDDEN_IN_TEMPLATES.items() if pattern.search(text)]
    assert not found, f"{path.relative_to(BASE_DIR)}: {found}"


@pytest.mark.parametrize("path", sorted((STATIC / "js").glob("*.js")), ids=lambda p: p.name)
def test_our_scripts_set_styles_only_through_the_cssom(path):
    text = path.read_text(encoding="utf-8")
    found = [name for name, pattern in FORBIDDEN_IN_SCRIPTS.items() if pattern.search(text)]
    assert not found, f"{path.relative_to(BASE_DIR)}: {found}"


def test_the_guard_recognises_what_it_forbids():
    samples = {
        "style attribute": '<div class="x" style="width: 4%">',
        "style element": "<style>p{}</style>",
        "inline script": "<script>alert(1)</script>",
        "event handler attribute": '<a href="#" onclick="go()">',
        "javascript: URL": '<a href="javascript:go()">',
        "data: image": '<img src="data:image/png;base64,AAAA">',
    }
    for name, sample in samples.items():
        assert FORBIDDEN_IN_TEMPLATES[name].search(sample), name
    allowed = '<script src="/static/js/a.js" defer></script><script id="d" type="application/json">'
    assert not FORBIDDEN_IN_TEMPLATES["inline script"].search(allowed)


# --- bar widths -----------------------------------------------------------------------------
def render_width(value: object) -> str:
    return Template("{{ value|width_class }}").render(Context({"value": value}))


@pytest.mark.parametrize(
    ("value", "css_class"),
    [(0, "w-pct-0"), (40, "w-pct-40"), (66.6, "w-pct-67"), (100, "w-pct-100"), (140, "w-pct-100")],
)
def test_a_bar_width_becomes_a_class(value, css_class):
    assert render_width(value) == css_class


@pytest.mark.parametrize("value", [None, "", "abc", -5])
def test_a_missing_or_negative_width_is_an_empty_bar(value):
    assert render_width(value) == "w-pct-0"


def test_the_stylesheet_has_a_width_class_for_every_percent():
    css = (STATIC / "css" / "app.css").read_text(encoding="utf-8")
    widths = dict(re.findall(r"\.w-pct-(\d+) \{ width: (\d+)%; \}", css))
    assert widths == {str(n): str(n) for n in range(101)}


# --- Bootstrap's icons ----------------------------------------------------------------------
def data_uri_rules(css: str) -> list[tuple[str, str, str]]:
    """(selector, property, decoded SVG) of every ``url("data:image/svg+xml,…")`` in ``css``."""
    rules = []
    for match in re.finditer(r'url\("data:image/svg\+xml,([^"]*)"\)', css):
        start = css.rfind("}", 0, match.start()) + 1
        selector = css[start : css.index("{", start)].strip()
        property_start = max(css.rfind(";", 0, match.start()), css.rfind("{", 0, match.start()))
        prop = css[property_start + 1 : match.start()].strip().rstrip(":").strip()
        rules.append((selector, prop, urllib.parse.unquote(match.group(1))))
    return rules


def test_every_bootstrap_data_image_is_replaced_by_the_same_drawing_as_a_file():
    bootstrap = (STATIC / "vendor" / "bootstrap" / "bootstrap.min.css").read_text(encoding="utf-8")
    ours = (STATIC / "css" / "app.css").read_text(encoding="utf-8")
    replaced = {
        (selector.strip(), prop.strip()): path
        for selector, prop, path in re.findall(
            r"^([^{}\n]+)\{ (--[\w-]+|background-image): url\(\"/static/([^\"]+)\"\); \}$",
            ours,
            re.MULTILINE,
        )
    }
    rules = data_uri_rules(bootstrap)
    assert len(rules) > 20
    for selector, prop, svg in rules:
        path = replaced.get((selector, prop))
        assert path, f"app.css does not replace {prop} of {selector}"
        assert (STATIC / path).read_text(encoding="utf-8").strip() == svg, path
    assert not data_uri_rules(ours)
