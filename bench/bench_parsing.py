"""Accuracy of the directive parser on the corpus of real documents (``tests/corpus/``).

Runner interface (``make bench``): ``run() -> dict``. Figures: the share of fields right over
all documents and field by field, the share of tasks found with the right lead and deadline,
the same two figures for the five documents kept aside while the parser was tuned, and the
time to parse the whole corpus. ``python -m bench.bench_parsing`` prints a table.
"""

from __future__ import annotations

import os
import time


def run() -> dict[str, float | int]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sonmai.settings")
    os.environ.setdefault("DEBUG", "1")
    from bench.parsing_score import corpus, evaluate
    from directives.docimport.parser import parse

    started = time.perf_counter()
    texts = [text for _name, text, _expected in corpus()]
    for text in texts:
        parse(text)
    elapsed = time.perf_counter() - started

    everything = evaluate()
    held_out = evaluate(held_out=True)
    figures: dict[str, float | int] = {
        "documents": len(everything.documents),
        "tasks_in_corpus": sum(d.tasks_expected for d in everything.documents),
        "fields_right": round(everything.fields_right, 3),
        "tasks_right": round(everything.tasks_right, 3),
        "tasks_found": round(everything.tasks_found, 3),
        "held_out_fields_right": round(held_out.fields_right, 3),
        "held_out_tasks_right": round(held_out.tasks_right, 3),
        "parse_all_seconds": round(elapsed, 3),
    }
    for name, value in everything.field_accuracy.items():
        figures[f"field.{name}"] = round(value, 3)
    return figures


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:28} {value}")
