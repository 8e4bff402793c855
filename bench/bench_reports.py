"""Benchmarks of the report documents: render time and peak memory.

Runner interface (``make bench`` discovers ``bench/bench_*.py``): ``run() -> dict[str, float |
str]``, flat keys, seconds and MiB as floats. Standalone: ``python -m bench.bench_reports``
prints a table (``--quick`` skips the 60 × 200 report).

Cases: the demo report of xã Sơn Mai (built in a throwaway in-memory database unless Django is
already set up, in which case the demo rows are rolled back) and a synthetic report of 60 units
× 200 tasks. For each: PDF render time (best of ``REPEAT``), peak Python memory while rendering
(tracemalloc, a separate run since tracing slows the work down) and page count; DOCX render
time and signing time for the demo. ``process.maxrss_mib`` is the process's peak resident size
(resource.getrusage), which also counts the C libraries (Pango, HarfBuzz) tracemalloc misses.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

REPEAT = 2


def _ensure_django() -> None:
    """Set Django up on an in-memory SQLite database when nobody did it before."""
    from django.conf import settings

    if settings.configured:
        import django

        django.setup()
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sonmai.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _demo_snapshot() -> Any:
    from django.db import transaction

    from directives.demo import load_demo_commune
    from reports.demo import DEMO_PERIOD, demo_snapshot

    with transaction.atomic():
        load_demo_commune(today=DEMO_PERIOD.data_to, password=None)
        snapshot = demo_snapshot()
        transaction.set_rollback(True)
    return snapshot


def _best_time(work: Callable[[], Any], repeat: int = REPEAT) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _attempt in range(repeat):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def _peak_mib(work: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        work()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def _maxrss_mib() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def run(*, include_large: bool = True) -> dict[str, float | str]:
    _ensure_django()
    import tempfile
    from pathlib import Path

    from reports.demo import large_snapshot
    from reports.renderers.docx_export import render_report_docx
    from reports.renderers.pdf import render_report_pdf
    from reports.signing import create_self_signed_certificate, sign_report_pdf

    results: dict[str, float | str] = {}
    cases = [("demo", _demo_snapshot())]
    if include_large:
        cases.append(("large_60x200", large_snapshot(units=60, tasks=200)))
    for name, snapshot in cases:
        seconds, rendered = _best_time(lambda s=snapshot: render_report_pdf(s), REPEAT)
        results[f"reports.pdf.{name}.seconds"] = round(seconds, 3)
        results[f"reports.pdf.{name}.pages"] = float(rendered.page_count)
        results[f"reports.pdf.{name}.bytes"] = float(len(rendered.content))
        results[f"reports.pdf.{name}.peak_mib"] = round(
            _peak_mib(lambda s=snapshot: render_report_pdf(s)), 1
        )
        seconds, _docx = _best_time(lambda s=snapshot: render_report_docx(s), 1)
        results[f"reports.docx.{name}.seconds"] = round(seconds, 3)
    demo = cases[0][1]
    rendered = render_report_pdf(demo)
    with tempfile.TemporaryDirectory() as directory:
        credentials = create_self_signed_certificate(
            Path(directory), common_name="UBND xã Sơn Mai (bench)", organisation="Bench"
        )
        seconds, _signed = _best_time(
            lambda: sign_report_pdf(
                rendered.content, snapshot=demo, box=rendered.signature_box, credentials=credentials
            ),
            REPEAT,
        )
    results["reports.sign.demo.seconds"] = round(seconds, 3)
    results["reports.process.maxrss_mib"] = round(_maxrss_mib(), 1)
    return results


def main(argv: list[str]) -> int:
    results = run(include_large="--quick" not in argv)
    width = max(len(key) for key in results)
    print(f"{'measure':<{width}}  value")
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
