"""Run the benchmarks: every module ``bench/bench_*.py`` exposing ``run() -> dict``.

Each ``run`` returns named figures ({"name": value}); the runner prints them as a table and
merges them into ``bench/results.json`` under the module's name, keeping the figures of other
modules. A figure named ``variant`` (for example the database) is appended to the name, so
runs on SQLite and on PostgreSQL keep their own figures. ``python -m bench reminders`` runs
only ``bench_reminders``.
"""

from __future__ import annotations

import datetime
import importlib
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"


def discover(only: list[str]) -> list[str]:
    names = sorted(path.stem for path in HERE.glob("bench_*.py"))
    if only:
        names = [name for name in names if name.removeprefix("bench_") in only or name in only]
    return names


def table(rows: list[tuple[str, str, object]]) -> str:
    widths = [max(len(str(row[i])) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    )


def main(argv: list[str]) -> int:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    rows: list[tuple[str, str, object]] = [("benchmark", "figure", "value")]
    for name in discover(argv):
        module = importlib.import_module(f"bench.{name}")
        started = time.monotonic()
        figures = module.run()
        key = name.removeprefix("bench_")
        if "variant" in figures:
            key = f"{key}[{figures.pop('variant')}]"
        results[key] = {
            **figures,
            "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "bench_seconds": round(time.monotonic() - started, 1),
        }
        rows += [(key, figure, value) for figure, value in figures.items() if figure != "plan"]
        if "plan" in figures:
            print(f"\n{key}: query plan of finding the due reminders\n{figures['plan']}\n")
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    print(table(rows))
    print(f"\nWritten to {RESULTS.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
