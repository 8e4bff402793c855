"""The seed dispatch laid out as the commune printed it, as DOCX, PDF and a scanned PDF.

Made here from the seed's text (``directives/seed/``), so the import tests read files shaped
like the real ones: the header and the signature block as borderless two-column tables, the
body as justified paragraphs in Times-like type.
"""

from __future__ import annotations

import html
import io

import weasyprint
from docx import Document
from docx.shared import Pt

from directives.seed import load_son_mai_dispatch
from reports.renderers.pdf import font_face_css

SEED = load_son_mai_dispatch()


def _header_columns() -> tuple[list[str], list[str]]:
    left = ["ỦY BAN NHÂN DÂN", "XÃ SƠN MAI", f"Số: {SEED.number or '      '}/{SEED.symbol}"]
    left.append(f"V/v {SEED.subject}")
    right = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"{SEED.place}, ngày      tháng {SEED.month:02d} năm {SEED.year}",
    ]
    return left, right


def _body() -> list[tuple[str, str]]:
    """(style, text) paragraphs of the body, markers typed as the commune typed them."""
    body = [("to", "Kính gửi:")]
    body += [
        ("to-item", f"- {name.rstrip(';.')}{';' if i < len(SEED.addressees) - 1 else '.'}")
        for i, name in enumerate(SEED.addressees)
    ]
    body += [("p", text) for text in SEED.preamble]
    for section in SEED.sections:
        body.append(("h", f"{section.number}. {section.title}"))
        body += [("p", f"- {t.text}") for t in SEED.tasks if t.section == section.number]
    body.append(("p", SEED.closing))
    return body


def _signature() -> tuple[list[str], list[str]]:
    items = SEED.signer.recipients
    recipients = ["Nơi nhận:"] + [
        f"- {item}{';' if i < len(items) - 1 else '.'}" for i, item in enumerate(items)
    ]
    return recipients, [SEED.signer.title, "", "", SEED.signer.name]


def seed_docx() -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    left, right = _header_columns()
    table = document.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    for _style, text in _body():
        document.add_paragraph(text)
    recipients, signer = _signature()
    table = document.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (recipients, signer), strict=True):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def seed_html() -> str:
    left, right = _header_columns()
    recipients, signer = _signature()
    esc = html.escape
    body = []
    for style, text in _body():
        if style == "to":
            body.append(f'<p class="to">{esc(text)}</p>')
        elif style == "to-item":
            body.append(f'<p class="to-item">{esc(text)}</p>')
        elif style == "h":
            body.append(f'<p class="h">{esc(text)}</p>')
        else:
            body.append(f"<p>{esc(text)}</p>")
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
body {{ font-family: 'Liberation Serif'; font-size: 14pt; line-height: 1.25; }}
table {{ width: 100%; border-collapse: collapse; }}
td {{ vertical-align: top; text-align: center; padding: 0; }}
td.l {{ width: 40%; font-size: 13pt; }} td.r {{ width: 60%; font-size: 13pt; }}
.b {{ font-weight: bold; }} .i {{ font-style: italic; }} .s {{ font-size: 12pt; }}
p {{ text-align: justify; text-indent: 1cm; margin: 0 0 6pt; }}
p.h {{ font-weight: bold; }} p.to {{ text-align: left; margin-left: 4cm; text-indent: 0; }}
p.to-item {{ margin-left: 5cm; text-indent: 0; }}
td.n {{ text-align: left; font-size: 11pt; }} td.n .b {{ font-size: 12pt; }}
</style></head><body>
<table><tr><td class="l"><div class="b">{esc(left[0])}</div><div class="b">{esc(left[1])}</div>
<div style="margin-top:6pt">{esc(left[2])}</div><div class="s">{esc(left[3])}</div></td>
<td class="r"><div class="b">{esc(right[0])}</div><div class="b">{esc(right[1])}</div>
<div class="i" style="margin-top:12pt">{esc(right[2])}</div></td></tr></table>
<div style="margin-top:12pt">{"".join(body)}</div>
<table style="margin-top:12pt"><tr><td class="n">
<div class="b i">{esc(recipients[0])}</div>{"".join(f"<div>{esc(x)}</div>" for x in recipients[1:])}
</td>
<td class="b">{esc(signer[0])}<br><br><br><br>{esc(signer[3])}</td></tr></table>
</body></html>"""


def seed_pdf() -> bytes:
    font_config = weasyprint.text.fonts.FontConfiguration()
    css = weasyprint.CSS(string=font_face_css(), font_config=font_config)
    return weasyprint.HTML(string=seed_html()).write_pdf(stylesheets=[css], font_config=font_config)


def scanned(pdf: bytes, *, dpi: int = 200) -> bytes:
    """The PDF printed and scanned: every page a grey picture, no text layer."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    pages = [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in document]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out.getvalue()
