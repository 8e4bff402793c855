"""Reading a directive's file: time per kind and where the memory goes.

Runner interface (``make bench``): ``run() -> dict``. The seed dispatch is laid out as the
commune printed it (``tests/directives/seed_documents.py``) and read as DOCX, as a PDF with a
text layer, and as a scan (OCR), each through ``extract_in_child`` as the worker does. The
baseline, measured in the same run, is Tesseract itself on one page picture of the scan: the OCR
figure is given as a ratio of it. Memory: the caller's peak resident size grows by what reading
cost it (the child's work stays in the child), against the child's own peak.
"""

from __future__ import annotations

import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sonmai.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def _best(function, repeat: int = 2) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def run() -> dict[str, float | int | str]:
    _setup()
    import pypdfium2

    from directives.docimport.extract import OCR_DPI, extract_in_child
    from tests.directives.seed_documents import scanned, seed_docx, seed_pdf

    folder = Path(tempfile.mkdtemp(prefix="sonmai-bench-"))
    files = {"docx": seed_docx(), "pdf": seed_pdf()}
    files["scan"] = scanned(files["pdf"])
    figures: dict[str, float | int | str] = {}
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for name, content in files.items():
        path = folder / f"seed.{'docx' if name == 'docx' else 'pdf'}"
        path.write_bytes(content)
        figures[f"{name}_seconds"] = round(
            _best(lambda p=path: extract_in_child(p, timeout=300, memory_mb=1024)), 2
        )
    figures["caller_peak_growth_mib"] = round(
        (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024, 1
    )
    figures["child_peak_mib"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
    )

    # Baseline: Tesseract alone on the scan's first page, at the resolution we read it.
    page = pypdfium2.PdfDocument(files["scan"])[0]
    picture = folder / "page.png"
    page.render(scale=OCR_DPI / 72, grayscale=True).to_pil().save(picture)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    tesseract = _best(
        lambda: subprocess.run(
            ["tesseract", str(picture), "stdout", "-l", "vie", "--psm", "3", "tsv"],
            capture_output=True,
            check=True,
            env=env,
        )
    )
    figures["tesseract_one_page_seconds"] = round(tesseract, 2)
    pages = len(pypdfium2.PdfDocument(files["scan"]))
    figures["scan_pages"] = pages
    figures["scan_vs_bare_tesseract_per_page"] = round(
        figures["scan_seconds"] / (pages * tesseract), 2
    )
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:34} {value}")
