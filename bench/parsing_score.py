"""How well the document parser reads the corpus of real documents (``tests/corpus/``).

Each ``NN-name.txt`` is a public document as published; ``NN-name.json`` the fields a clerk
would write down, by hand. A field is right when the parser's value equals the expected one
after normalising case, spacing (sites lose spaces between words, which the parser puts back),
dashes, old tone placement and surrounding punctuation: the parser is not asked to reproduce a
site's typography. A task counts as found when a parsed
task has the same text (a close match: extraction may differ by a character) and as right
when its lead units and its deadline are right too.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path

from directives.docimport.parser import parse
from directives.docimport.text import normalise

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
_DASHES = str.maketrans(dict.fromkeys("\u2013\u2014\u2010\u2011\u2212", "-"))
FIELDS = [
    "document_type",
    "number",
    "symbol",
    "date",
    "place",
    "issuer",
    "subject",
    "addressees",
    "references",
    "sections",
    "signer.authority",
    "signer.title",
    "signer.name",
    "recipients",
]


def norm(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        # Spacing is not compared: sites lose spaces ("củaBộ") that the parser puts back.
        text = normalise(value).translate(_DASHES).casefold().strip(" .;:,")
        return "".join(text.split())
    if isinstance(value, list | tuple):
        return [norm(item) for item in value]
    if isinstance(value, dict):
        return {key: norm(item) for key, item in value.items()}
    return value


def _value(document: dict, name: str) -> object:
    if name == "date":
        return (document.get("date"), document.get("month"), document.get("year"))
    if name.startswith("signer."):
        return document["signer"][name.split(".")[1]]
    if name == "references":
        keys = ("notation", "date", "issuer")
        return [{key: reference.get(key) for key in keys} for reference in document[name]]
    if name == "sections":
        return [(section["number"], section["title"]) for section in document[name]]
    return document[name]


def _same_text(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    return a == b or difflib.SequenceMatcher(None, a[:300], b[:300]).ratio() >= 0.9


@dataclass
class DocumentScore:
    name: str
    fields: dict[str, bool] = field(default_factory=dict)
    tasks_expected: int = 0
    tasks_found: int = 0
    tasks_right: int = 0
    tasks_extra: int = 0
    wrong: dict[str, tuple[object, object]] = field(default_factory=dict)


def score(name: str, expected: dict, parsed: dict) -> DocumentScore:
    result = DocumentScore(name=name)
    for field_name in FIELDS:
        want, got = norm(_value(expected, field_name)), norm(_value(parsed, field_name))
        result.fields[field_name] = want == got
        if want != got:
            result.wrong[field_name] = (want, got)
    unused = list(parsed["tasks"])
    result.tasks_expected = len(expected["tasks"])
    for task in expected["tasks"]:
        match = next((t for t in unused if _same_text(t["text"], task["text"])), None)
        if match is None:
            result.wrong[f"task: {task['text'][:60]}"] = ("found", "missing")
            continue
        unused.remove(match)
        result.tasks_found += 1
        lead_right = sorted(norm(task["lead"])) == sorted(norm(match["lead"]))
        deadline_right = (task["deadline"], task["cadence"]) == (
            match["deadline"],
            match["cadence"],
        )
        if lead_right and deadline_right:
            result.tasks_right += 1
        else:
            result.wrong[f"task: {task['text'][:60]}"] = (
                (task["lead"], task["deadline"], task["cadence"]),
                (match["lead"], match["deadline"], match["cadence"]),
            )
    result.tasks_extra = len(unused)
    return result


def corpus(held_out: bool | None = None) -> list[tuple[str, str, dict]]:
    """(name, text, expected) of each document; ``held_out`` True/False selects one part."""
    names = (
        (CORPUS / "heldout.txt").read_text().split() if (CORPUS / "heldout.txt").exists() else []
    )
    out = []
    for path in sorted(CORPUS.glob("*.txt")):
        if path.name == "heldout.txt":
            continue
        if held_out is not None and (path.stem in names) != held_out:
            continue
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        out.append((path.stem, path.read_text(encoding="utf-8"), expected))
    return out


@dataclass
class Summary:
    documents: list[DocumentScore]

    @property
    def field_accuracy(self) -> dict[str, float]:
        return {
            name: sum(d.fields[name] for d in self.documents) / len(self.documents)
            for name in FIELDS
        }

    @property
    def fields_right(self) -> float:
        total = sum(len(d.fields) for d in self.documents)
        return sum(sum(d.fields.values()) for d in self.documents) / total

    @property
    def tasks_right(self) -> float:
        expected = sum(d.tasks_expected for d in self.documents)
        return sum(d.tasks_right for d in self.documents) / expected if expected else 1.0

    @property
    def tasks_found(self) -> float:
        expected = sum(d.tasks_expected for d in self.documents)
        return sum(d.tasks_found for d in self.documents) / expected if expected else 1.0


def evaluate(held_out: bool | None = None) -> Summary:
    return Summary(
        [score(name, expected, parse(text).as_json()) for name, text, expected in corpus(held_out)]
    )
