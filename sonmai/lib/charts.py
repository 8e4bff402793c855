"""Charts drawn on the server as SVG strings: no JavaScript, no CDN, the same in a page and a PDF.

Every function is pure and deterministic (same input → same string) and returns a standalone
``<svg>`` element with ``role="img"``, an ``aria-label``, a ``<title>`` and a ``<desc>`` that
says in words what the chart shows, so a screen reader (and a search) gets the numbers too.
The drawing has a fixed ``viewBox`` and intrinsic ``width``/``height``; in a page let CSS scale
it (``svg { width: 100%; height: auto; }``), in the PDF it is placed as an image.

Public interface (used by the PDF report and, later, the web dashboard)::

    bucket_totals_chart(counts: Mapping[Bucket | str, int], *, title: str) -> str
        One horizontal bar per official bucket, in the order and colours of the palette, with
        "count (share %)" at the end of each bar; a stacked bar on top shows the mix.
    unit_percent_chart(rows: Sequence[tuple[str, int | float]], *, title: str) -> str
        One bar per unit: its name (wrapped) and the percent of its assignments done, 0–100.
    weekly_done_chart(points: Sequence[tuple[date, int | float]], *, title: str) -> str
        Share done (percent) at the end of each week: an area under a line, 0–100 %.

Labels are Vietnamese (the bucket names come from ``Bucket.label``); text uses ``FONT_FAMILY``,
the serif family the report's PDF embeds, so both look alike.

This module sits at the bottom of the layers and knows no app: the buckets, their order and
their colours are the directives app's, which hands them over once with ``use_palette`` from
``DirectivesConfig.ready``.
"""

from __future__ import annotations

import datetime
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import get_language
from django.utils.translation import gettext as _

FONT_FAMILY = "'Liberation Serif', 'Times New Roman', Tinos, serif"
WIDTH = 480
FONT_SIZE = 13
SMALL_FONT_SIZE = 11
TEXT_COLOUR = "#212529"
GRID_COLOUR = "#ced4da"
#: Characters per line of a wrapped label (about 190 units of width at 13 units per em).
LABEL_CHARS = 28


class Bucket(Protocol):
    """A category the charts count: a ``TextChoices`` member (a string with a ``label``)."""

    @property
    def label(self) -> str: ...


@dataclass(frozen=True)
class Palette:
    """The buckets in the order they are listed, each one's colour, and the colours of work
    done (a unit's full bar, the weekly line) and of work under way."""

    order: Sequence[Bucket]
    # Keyed by the app's own bucket type (a Mapping's key type cannot widen to the protocol).
    colours: Mapping[Any, str]
    done: str
    in_progress: str


_palette: Palette | None = None


def use_palette(palette: Palette) -> None:
    """Set the buckets and colours every chart draws with (once, at start-up)."""
    global _palette
    _palette = palette


def palette() -> Palette:
    if _palette is None:
        raise RuntimeError("No chart palette: the directives app registers it in ready().")
    return _palette


def _number(value: float) -> str:
    """Coordinates with at most two decimals and no trailing zeros: stable, compact output."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _percent_text(value: float) -> str:
    """ "42%" or "42,5%": Vietnamese decimal comma (a decimal point on an English page)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    if get_language() != "en":
        text = text.replace(".", ",")
    return f"{text}%"


def _svg(width: float, height: float, title: str, description: str, body: list[str]) -> str:
    label = f"{title}. {description}" if description else title
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_number(width)} '
            f'{_number(height)}" width="{_number(width)}" height="{_number(height)}" '
            f'role="img" aria-label={quoteattr(label)} '
            f'font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">',
            f"<title>{escape(title)}</title>",
            f"<desc>{escape(description)}</desc>",
            *body,
            "</svg>",
        ]
    )


def _text(x: float, y: float, content: str, **attrs: str) -> str:
    extra = "".join(
        f" {name.replace('_', '-')}={quoteattr(value)}" for name, value in attrs.items()
    )
    return f'<text x="{_number(x)}" y="{_number(y)}"{extra}>{escape(content)}</text>'


def _wrapped(x: float, y: float, content: str, line_height: float, **attrs: str) -> str:
    lines = textwrap.wrap(content, LABEL_CHARS) or [""]
    extra = "".join(
        f" {name.replace('_', '-')}={quoteattr(value)}" for name, value in attrs.items()
    )
    spans = "".join(
        f'<tspan x="{_number(x)}" y="{_number(y + i * line_height)}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f"<text{extra}>{spans}</text>"


def _title(title: str) -> str:
    return _text(0, 16, title, font_weight="bold")


def bucket_totals_chart(
    counts: Mapping[Bucket | str, int], *, title: str, show_title: bool = True
) -> str:
    """Horizontal bars of the bucket totals, with a stacked bar of the whole on top."""
    colours = palette().colours
    values = [
        (bucket, int(counts.get(bucket, counts.get(str(bucket), 0)))) for bucket in palette().order
    ]
    total = sum(count for _bucket, count in values)
    label_width, bar_left, bar_right = 200.0, 208.0, WIDTH - 78.0
    bar_span = bar_right - bar_left
    row_height, bar_height = 26.0, 16.0
    top = 30.0 if show_title else 4.0
    body = [_title(title)] if show_title else []

    # The stacked bar: the mix at a glance.
    x = 0.0
    stack_y = top
    for bucket, count in values:
        if not count:
            continue
        width = WIDTH * count / total
        body.append(
            f'<rect x="{_number(x)}" y="{_number(stack_y)}" width="{_number(width)}" '
            f'height="10" fill="{colours[bucket]}"/>'
        )
        x += width
    if not total:
        body.append(
            f'<rect x="0" y="{_number(stack_y)}" width="{WIDTH}" height="10" fill="#e9ecef"/>'
        )

    scale = max((count for _b, count in values), default=0) or 1
    y = top + 24
    for bucket, count in values:
        share = 100 * count / total if total else 0
        body.append(_text(label_width, y + 12, str(bucket.label), text_anchor="end"))
        width = bar_span * count / scale
        body.append(
            f'<rect x="{_number(bar_left)}" y="{_number(y)}" width="{_number(max(width, 0))}" '
            f'height="{_number(bar_height)}" fill="{colours[bucket]}"/>'
        )
        body.append(_text(bar_left + width + 4, y + 12, f"{count} ({_percent_text(share)})"))
        y += row_height
    body.append(
        f'<line x1="{_number(bar_left)}" y1="{_number(top + 20)}" x2="{_number(bar_left)}" '
        f'y2="{_number(y)}" stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    )
    body.append(
        _text(0, y + 16, _("Tổng số: %(total)s") % {"total": total}, font_size=str(SMALL_FONT_SIZE))
    )
    description = "; ".join(f"{bucket.label}: {count}" for bucket, count in values)
    summary = _("Tổng số: %(total)s") % {"total": total}
    return _svg(WIDTH, y + 22, title, f"{summary}. {description}.", body)


def unit_percent_chart(
    rows: Sequence[tuple[str, int | float]], *, title: str, show_title: bool = True
) -> str:
    """One bar per unit with the percent of its assignments done (0–100)."""
    bar_left, bar_right = 200.0, WIDTH - 44.0
    bar_span = bar_right - bar_left
    line_height = 14.0
    top = 50.0 if show_title else 22.0
    body = [_title(title)] if show_title else []
    # Grid every 25 %, labelled on top.
    y = top
    rows_svg: list[str] = []
    for name, percent in rows:
        value = min(max(float(percent), 0.0), 100.0)
        lines = max(1, len(textwrap.wrap(name, LABEL_CHARS)))
        height = max(20.0, lines * line_height + 6)
        rows_svg.append(_wrapped(192, y + 13, name, line_height, text_anchor="end"))
        colour = palette().done if value >= 100 else palette().in_progress
        rows_svg.append(
            f'<rect x="{_number(bar_left)}" y="{_number(y + 2)}" '
            f'width="{_number(bar_span * value / 100)}" height="14" fill="{colour}"/>'
        )
        rows_svg.append(_text(bar_left + bar_span * value / 100 + 4, y + 13, _percent_text(value)))
        y += height
    for tick in (0, 25, 50, 75, 100):
        x = bar_left + bar_span * tick / 100
        body.append(
            f'<line x1="{_number(x)}" y1="{_number(top - 4)}" x2="{_number(x)}" '
            f'y2="{_number(y)}" stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        body.append(
            _text(x, top - 8, f"{tick}%", text_anchor="middle", font_size=str(SMALL_FONT_SIZE))
        )
    body.extend(rows_svg)
    description = "; ".join(f"{name}: {_percent_text(float(p))}" for name, p in rows)
    return _svg(WIDTH, y + 6, title, description + "." if description else "", body)


def weekly_done_chart(
    points: Sequence[tuple[datetime.date, int | float]], *, title: str, show_title: bool = True
) -> str:
    """Share done at the end of each week, as an area under a line (0–100 %)."""
    done = palette().done
    left, right = 44.0, WIDTH - 12.0
    top = 34.0 if show_title else 12.0
    bottom = top + 180.0
    body = [_title(title)] if show_title else []
    for tick in (0, 25, 50, 75, 100):
        y = bottom - (bottom - top) * tick / 100
        body.append(
            f'<line x1="{_number(left)}" y1="{_number(y)}" x2="{_number(right)}" '
            f'y2="{_number(y)}" stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        body.append(
            _text(left - 6, y + 4, f"{tick}%", text_anchor="end", font_size=str(SMALL_FONT_SIZE))
        )
    count = len(points)
    coordinates = []
    for index, (_week_end, percent) in enumerate(points):
        x = left + (right - left) * (index / (count - 1) if count > 1 else 0.5)
        y = bottom - (bottom - top) * min(max(float(percent), 0.0), 100.0) / 100
        coordinates.append((x, y))
    if coordinates:
        line = " ".join(f"{_number(x)},{_number(y)}" for x, y in coordinates)
        first_x, last_x = coordinates[0][0], coordinates[-1][0]
        body.append(
            f'<polygon points="{_number(first_x)},{_number(bottom)} {line} '
            f'{_number(last_x)},{_number(bottom)}" fill="{done}" fill-opacity="0.18"/>'
        )
        body.append(f'<polyline points="{line}" fill="none" stroke="{done}" stroke-width="2.5"/>')
        for x, y in coordinates:
            body.append(f'<circle cx="{_number(x)}" cy="{_number(y)}" r="3" fill="{done}"/>')
        last_percent = float(points[-1][1])
        body.append(
            _text(
                coordinates[-1][0],
                coordinates[-1][1] - 8,
                _percent_text(last_percent),
                text_anchor="end",
                font_weight="bold",
            )
        )
    # At most about eight date labels, always the first and the last.
    step = max(1, -(-count // 8))
    for index, (week_end, _percent) in enumerate(points):
        if index % step and index != count - 1:
            continue
        x = coordinates[index][0]
        body.append(
            _text(
                x,
                bottom + 16,
                f"{week_end.day:02d}/{week_end.month:02d}",
                text_anchor="middle",
                font_size=str(SMALL_FONT_SIZE),
            )
        )
    body.append(
        f'<line x1="{_number(left)}" y1="{_number(bottom)}" x2="{_number(right)}" '
        f'y2="{_number(bottom)}" stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    )
    description = "; ".join(
        _("tuần đến %(date)s: %(percent)s")
        % {"date": f"{week_end:%d/%m/%Y}", "percent": _percent_text(float(p))}
        for week_end, p in points
    )
    return _svg(WIDTH, bottom + 26, title, description + "." if description else "", body)
