"""The directive editor: one page for registering a directive from its document, by hand, or
editing it later.

Its state is a plain JSON-able dict (``EditorState``), so the same page can start from what the
parser found (``state_from_parsed``), from nothing (``empty_state``) or from a registered
directive (``state_from_directive``), can be saved as a draft, and can grow a section or a task
by a round trip that keeps every value typed, valid or not. ``DirectiveEditor`` binds the forms
of ``directives.forms.registration`` to a POST or to a state, validates them together and
produces the ``DirectiveData`` the registration service writes.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from directives.choices import (
    DEFAULT_ONGOING_CADENCE,
    AssignmentRole,
    Cadence,
    DocumentType,
    TaskType,
)
from directives.docimport.dates import ROMAN
from directives.docimport.tasks import task_type_hint
from directives.forms.registration import HeaderForm, ReferenceForm, SectionForm, TaskForm
from directives.models import Assignment, Directive, Task
from directives.services.registration import (
    AssignmentData,
    DirectiveData,
    ReferenceData,
    SectionData,
    TaskData,
    document_type_for,
)
from units.matching import UnitMatcher

EditorState = dict[str, Any]
#: The most a directive holds on this page (the longest plans have about a hundred tasks).
MAX_TASKS = 200
MAX_SECTIONS = 50
MAX_REFERENCES = 40
HEADER_FIELDS = [
    "document_type",
    "number",
    "symbol",
    "issued_on",
    "issued_month",
    "issued_year",
    "issuer",
    "issuer_parent",
    "place",
    "subject",
    "addressees",
    "preamble",
    "closing",
    "signer_authority",
    "signer_title",
    "signer_name",
    "distribution",
    "attachments",
    "monitoring_unit",
]
REFERENCE_FIELDS = ["document_type", "number", "symbol", "issued_on", "issuer", "implements"]
TASK_FIELDS = [
    "key",
    "pk",
    "section",
    "text",
    "short_title",
    "task_type",
    "due_date",
    "cadence",
    "report_day",
]


def _date_text(value: datetime.date | str | None) -> str:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.day:02d}/{value.month:02d}/{value.year}" if value else ""


def _new_key(prefix: str, taken: set[str]) -> str:
    for number in itertools.count(1):
        key = f"{prefix}{number}"
        if key not in taken:
            return key
    raise AssertionError  # pragma: no cover - itertools.count never ends


def blank_task(section_key: str, taken: set[str]) -> dict:
    return {
        "key": _new_key("t", taken),
        "pk": "",
        "section": section_key,
        "text": "",
        "short_title": "",
        "task_type": TaskType.DO,
        "due_date": "",
        "cadence": "",
        "report_day": "15",
        "units": {},
        "unmatched": [],
    }


def empty_state(organisation: Any, units: list) -> EditorState:
    issuer = " ".join(organisation.header_lines) or organisation.name
    return {
        "header": {
            "document_type": DocumentType.DISPATCH,
            "issuer": issuer,
            "place": organisation.place_name,
            "signer_authority": "",
            "monitoring_unit": str(default_monitoring_unit(units, [], organisation) or ""),
        },
        "references": [],
        "sections": [{"key": "s1", "pk": "", "title": ""}],
        "tasks": [blank_task("s1", set())],
        "uncertain": [],
    }


def default_monitoring_unit(
    units: list, lead_texts: list[tuple[str, list]], organisation: Any = None
) -> int | None:
    """The unit a task asks to follow and report ("Giao Phòng Văn hóa – Xã hội theo dõi, đôn
    đốc … báo cáo"), else the unit that monitors the commune's directives
    (``Organisation.monitoring_unit``) when it is among ``units``."""
    for text, unit_ids in lead_texts:
        lowered = text.lower()
        if len(unit_ids) == 1 and "theo dõi" in lowered and "báo cáo" in lowered:
            return unit_ids[0]
    default = getattr(organisation, "monitoring_unit_id", None)
    if default is not None and any(unit.pk == default for unit in units):
        return default
    return None


def state_from_parsed(parsed: dict, organisation: Any, units: list) -> EditorState:
    """The editor filled with what the parser found; names of units matched to the commune's."""
    matcher = UnitMatcher(units, organisation.place_name)
    uncertain = set(parsed.get("uncertain", []))
    header = {
        "document_type": document_type_for(parsed.get("document_type", "")),
        "number": parsed.get("number", ""),
        "symbol": parsed.get("symbol", ""),
        "issued_on": _date_text(parsed.get("date")),
        "issued_month": str(parsed.get("month") or ""),
        "issued_year": str(parsed.get("year") or ""),
        "issuer": parsed.get("issuer", ""),
        "issuer_parent": parsed.get("issuer_parent", ""),
        "place": parsed.get("place", ""),
        "subject": parsed.get("subject", ""),
        "addressees": "\n".join(parsed.get("addressees", [])),
        "preamble": "\n".join(parsed.get("preamble", [])),
        "closing": parsed.get("closing", ""),
        "signer_authority": parsed.get("signer", {}).get("authority", ""),
        "signer_title": parsed.get("signer", {}).get("title", "").capitalize(),
        "signer_name": parsed.get("signer", {}).get("name", ""),
        "distribution": "\n".join(parsed.get("recipients", [])),
        "attachments": "\n".join(parsed.get("attachments", [])),
    }
    references = [
        {
            "document_type": document_type_for(ref.get("document_type", "")),
            "number": ref.get("number", ""),
            "symbol": ref.get("symbol", ""),
            "issued_on": _date_text(ref.get("date")),
            "issuer": ref.get("issuer", ""),
            "implements": ref.get("implements", ""),
        }
        for ref in parsed.get("references", [])
    ]
    sections = []
    keys: dict[str, str] = {}
    for position, section in enumerate(parsed.get("sections", []), start=1):
        key = f"s{position}"
        keys[section["number"]] = key
        sections.append({"key": key, "pk": "", "title": section["title"]})
    tasks = []
    lead_texts = []
    for position, task in enumerate(parsed.get("tasks", [])):
        section_key = keys.get(task.get("section", ""))
        if section_key is None:
            if not any(s["key"] == "s0" for s in sections):
                sections.insert(0, {"key": "s0", "pk": "", "title": ""})
            section_key = "s0"
        units_state: dict[str, dict] = {}
        unmatched = []
        for role, names in (
            (AssignmentRole.LEAD, task.get("lead", [])),
            (AssignmentRole.COORDINATING, task.get("coordinating", [])),
        ):
            for name in names:
                match = matcher.match(name)
                if not match.matched:
                    unmatched.append({"name": name, "role": role})
                for unit in match.units:
                    units_state.setdefault(str(unit.pk), {"role": role, "due": ""})
        cadence = task.get("cadence", "")
        deadline = task.get("deadline")
        default_cadence = False
        if cadence not in Cadence.values or cadence == "":
            cadence = ""
        if not deadline and not cadence:
            cadence, default_cadence = DEFAULT_ONGOING_CADENCE, True
        entry = {
            "key": f"t{position + 1}",
            "pk": "",
            "section": section_key,
            "text": task.get("text", ""),
            "short_title": Task.derive_short_title(task.get("text", "")),
            "task_type": task_type_hint(task.get("text", "")),
            "due_date": _date_text(deadline),
            "cadence": cadence,
            "report_day": str(task.get("report_day") or 15),
            "units": units_state,
            "unmatched": unmatched,
            "default_cadence": default_cadence,
            "deadline_text": task.get("deadline_text", ""),
            "lead_source": task.get("lead_source", ""),
        }
        if f"tasks.{position}.lead" in uncertain:
            uncertain.add(f"task.{entry['key']}.units")
        if default_cadence:
            uncertain.add(f"task.{entry['key']}.cadence")
        tasks.append(entry)
        lead_texts.append(
            (entry["text"], [int(pk) for pk, v in units_state.items() if v["role"] == "lead"])
        )
    header["monitoring_unit"] = str(default_monitoring_unit(units, lead_texts, organisation) or "")
    field_marks = {"date": "issued_on", "signer": "signer_name"}
    marks = {f"header.{field_marks.get(name, name)}" for name in uncertain if "." not in name}
    marks |= {name for name in uncertain if name.startswith("task.")}
    if not sections:
        sections = [{"key": "s1", "pk": "", "title": ""}]
    return {
        "header": header,
        "references": references,
        "sections": sections,
        "tasks": tasks,
        "uncertain": sorted(marks),
    }


def state_from_directive(directive: Directive, units: list) -> EditorState:
    header = {
        "document_type": directive.document_type,
        "number": directive.number,
        "symbol": directive.symbol,
        "issued_on": _date_text(directive.issued_on),
        "issued_month": str(directive.issued_month or ""),
        "issued_year": str(directive.issued_year or ""),
        "issuer": directive.issuing_body.name if directive.issuing_body_id else "",
        "issuer_parent": "",
        "place": directive.issuing_body.place_name if directive.issuing_body_id else "",
        "subject": directive.subject,
        "addressees": directive.addressees,
        "preamble": directive.preamble,
        "closing": directive.closing,
        "signer_authority": directive.signer_authority,
        "signer_title": directive.signer_title,
        "signer_name": directive.signer_name,
        "distribution": directive.distribution,
        "attachments": directive.attachments,
        "monitoring_unit": str(directive.monitoring_unit_id or ""),
    }
    references = []
    for parent in directive.basis.select_related("issuing_body"):
        references.append(_reference_state(parent, implements=""))
        for grand in parent.basis.select_related("issuing_body"):
            references.append(_reference_state(grand, implements=""))
            references[-2]["implements"] = grand.code
    sections = []
    tasks = []
    assignments = Assignment.objects.filter(task__section__directive=directive)
    by_task: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_task.setdefault(assignment.task_id, []).append(assignment)
    for section in directive.sections.prefetch_related("tasks").order_by("number"):
        key = f"s{section.pk}"
        sections.append({"key": key, "pk": str(section.pk), "title": section.title})
        for task in section.tasks.all().order_by("number"):
            rows = by_task.get(task.pk, [])
            shared = rows[0].due_date if rows and len({a.due_date for a in rows}) == 1 else None
            tasks.append(
                {
                    "key": f"t{task.pk}",
                    "pk": str(task.pk),
                    "section": key,
                    "text": task.text,
                    "short_title": task.short_title,
                    "task_type": task.task_type,
                    "due_date": _date_text(shared),
                    "cadence": rows[0].cadence if rows else "",
                    "report_day": str(rows[0].report_day if rows else 15),
                    "units": {
                        str(a.unit_id): {
                            "role": a.role,
                            "due": "" if a.due_date == shared else _date_text(a.due_date),
                        }
                        for a in rows
                    },
                    "unmatched": [],
                }
            )
    return {
        "header": header,
        "references": references,
        "sections": sections,
        "tasks": tasks,
        "uncertain": [],
    }


def _reference_state(document: Directive, *, implements: str) -> dict:
    return {
        "document_type": document.document_type,
        "number": document.number,
        "symbol": document.symbol,
        "issued_on": _date_text(document.issued_on),
        "issuer": document.issuing_body.name if document.issuing_body_id else "",
        "implements": implements,
    }


# --- The bound editor ------------------------------------------------------------------------
def _bounded_formset(form: type[forms.Form], limit: int) -> type[forms.BaseFormSet]:
    """A formset of at most ``limit`` forms: a forged count cannot make the page build
    thousands of forms."""
    return forms.formset_factory(
        form, extra=0, can_delete=True, max_num=limit, absolute_max=limit, validate_max=True
    )


class DirectiveEditor:
    """All the forms of one directive, bound to a POST (``data``) or shown from a state."""

    def __init__(
        self,
        organisation: Any,
        units: list,
        *,
        data: Any = None,
        state: EditorState | None = None,
        editing: Directive | None = None,
    ) -> None:
        self.organisation = organisation
        self.units = units
        self.editing = editing
        self.bound = data is not None
        self.uncertain = set((state or {}).get("uncertain", []))
        self.unmatched: dict[str, list] = {}
        unit_qs = organisation.units.filter(is_active=True).order_by("position", "name")
        ReferenceSet = _bounded_formset(ReferenceForm, MAX_REFERENCES)
        SectionSet = _bounded_formset(SectionForm, MAX_SECTIONS)
        TaskSet = _bounded_formset(TaskForm, MAX_TASKS)
        if self.bound:
            sections = self._section_choices_from(data)
            self.header = HeaderForm(data, prefix="vb", units=unit_qs)
            self.references = ReferenceSet(data, prefix="cc")
            self.sections = SectionSet(data, prefix="muc")
            self.tasks = TaskSet(
                data, prefix="nv", form_kwargs={"units": units, "sections": sections}
            )
            self.uncertain = set(data.getlist("uncertain"))
            for task_form in self.tasks.forms:
                key = task_form["key"].value()
                self.unmatched[key] = [
                    {"name": name, "role": role}
                    for name, role in zip(
                        data.getlist(f"unmatched-{key}-name"),
                        data.getlist(f"unmatched-{key}-role"),
                        strict=False,
                    )
                ]
            return
        state = state or {}
        sections = [(s["key"], self.section_label(i, s)) for i, s in enumerate(state["sections"])]
        self.header = HeaderForm(prefix="vb", units=unit_qs, initial=state["header"])
        self.references = ReferenceSet(prefix="cc", initial=state["references"])
        self.sections = SectionSet(prefix="muc", initial=state["sections"])
        initial_tasks = []
        for task in state["tasks"]:
            row = {name: task.get(name, "") for name in TASK_FIELDS}
            for unit_pk, choice in task.get("units", {}).items():
                row[f"role_{unit_pk}"] = choice.get("role", "")
                row[f"due_{unit_pk}"] = choice.get("due", "")
            initial_tasks.append(row)
            self.unmatched[task["key"]] = task.get("unmatched", [])
        self.tasks = TaskSet(
            prefix="nv",
            initial=initial_tasks,
            form_kwargs={"units": units, "sections": sections},
        )
        self._extras = {t["key"]: t for t in state["tasks"]}

    @staticmethod
    def section_label(index: int, section: dict) -> str:
        title = section.get("title") or ""
        short = title if len(title) <= 60 else f"{title[:57]}…"
        return f"{index + 1}. {short}" if short else _("Mục %(n)d") % {"n": index + 1}

    def _section_choices_from(self, data: Any) -> list[tuple[str, str]]:
        raw = str(data.get("muc-TOTAL_FORMS", "0"))
        total = min(int(raw), MAX_SECTIONS) if raw.isascii() and raw.isdecimal() else 0
        choices = []
        for index in range(total):
            key = data.get(f"muc-{index}-key", "")
            title = data.get(f"muc-{index}-title", "")
            if key:
                choices.append((key, self.section_label(index, {"title": title})))
        return choices

    # --- Reading it back ----------------------------------------------------------------------
    def state(self) -> EditorState:
        """The editor's values as typed (valid or not), without the items marked for removal."""

        def value(form: forms.Form, name: str) -> Any:
            raw = form[name].value()
            if isinstance(raw, datetime.date):
                return _date_text(raw)
            return "" if raw is None else str(raw) if not isinstance(raw, str) else raw

        def kept(formset: forms.BaseFormSet) -> list[forms.Form]:
            return [f for f in formset.forms if not (self.bound and f["DELETE"].value())]

        header = {name: value(self.header, name) for name in HEADER_FIELDS}
        references = [
            {name: value(form, name) for name in REFERENCE_FIELDS} for form in kept(self.references)
        ]
        sections = [
            {"key": value(f, "key"), "pk": value(f, "pk"), "title": value(f, "title")}
            for f in kept(self.sections)
        ]
        tasks = []
        for form in kept(self.tasks):
            entry = {name: value(form, name) for name in TASK_FIELDS}
            entry["units"] = {
                str(unit.pk): {"role": role, "due": value(form, f"due_{unit.pk}")}
                for unit, role in form.chosen()
            }
            entry["unmatched"] = self.unmatched.get(entry["key"], [])
            tasks.append(entry)
        return {
            "header": header,
            "references": references,
            "sections": sections,
            "tasks": tasks,
            "uncertain": sorted(self.uncertain),
        }

    def is_valid(self) -> bool:
        valid = all(
            [
                self.header.is_valid(),
                self.references.is_valid(),
                self.sections.is_valid(),
                self.tasks.is_valid(),
            ]
        )
        if not valid:
            return False
        live_sections = {
            f.cleaned_data["key"] for f in self.sections.forms if not f.cleaned_data.get("DELETE")
        }
        live_tasks = [f for f in self.tasks.forms if not f.cleaned_data.get("DELETE")]
        if not live_tasks:
            self.errors.append(_("Văn bản cần ít nhất một nhiệm vụ."))
            return False
        for form in live_tasks:
            if form.cleaned_data["section"] not in live_sections:
                form.add_error("section", _("Mục này đã bị xóa: chọn mục khác."))
                return False
        return True

    @property
    def errors(self) -> list[str]:
        if not hasattr(self, "_errors"):
            self._errors: list[str] = []
        return self._errors

    def has_field_errors(self) -> bool:
        return bool(
            self.header.errors
            or any(f.errors for f in self.references.forms)
            or any(f.errors for f in self.sections.forms)
            or any(f.errors for f in self.tasks.forms)
            or self.tasks.non_form_errors()
            or self.errors
        )

    def directive_data(self) -> DirectiveData:
        header = self.header.cleaned_data
        sections: list[SectionData] = []
        for form in self.sections.forms:
            data = form.cleaned_data
            if data.get("DELETE"):
                continue
            sections.append(
                SectionData(
                    key=data["key"],
                    number=len(sections) + 1,
                    title=data.get("title", ""),
                    pk=data.get("pk"),
                )
            )
        order = {section.key: section for section in sections}
        counters: dict[str, int] = {}
        tasks: list[TaskData] = []
        units = {unit.pk: unit for unit in self.units}
        for form in self.tasks.forms:
            data = form.cleaned_data
            if data.get("DELETE"):
                continue
            section_key = data["section"]
            counters[section_key] = counters.get(section_key, 0) + 1
            rows = [
                AssignmentData(
                    unit=units[unit.pk],
                    role=role,
                    due_date=data.get(f"due_{unit.pk}") or data.get("due_date"),
                )
                for unit, role in form.chosen()
            ]
            tasks.append(
                TaskData(
                    section_key=section_key,
                    number=counters[section_key],
                    text=data["text"],
                    short_title=data.get("short_title", ""),
                    task_type=data["task_type"],
                    cadence=data.get("cadence") or "",
                    report_day=data.get("report_day") or 15,
                    assignments=rows,
                    pk=data.get("pk"),
                )
            )
        tasks.sort(key=lambda t: list(order).index(t.section_key))
        references = [
            ReferenceData(
                document_type=form.cleaned_data["document_type"],
                number=form.cleaned_data.get("number", ""),
                symbol=form.cleaned_data["symbol"],
                issued_on=form.cleaned_data.get("issued_on"),
                issuer=form.cleaned_data.get("issuer", ""),
                implements=form.cleaned_data.get("implements", ""),
            )
            for form in self.references.forms
            if not form.cleaned_data.get("DELETE")
        ]
        return DirectiveData(
            document_type=header["document_type"],
            number=header.get("number", ""),
            symbol=header["symbol"],
            issued_on=header.get("issued_on"),
            issued_month=header.get("issued_month"),
            issued_year=header.get("issued_year"),
            issuer=header["issuer"],
            issuer_parent=header.get("issuer_parent", ""),
            place=header.get("place", ""),
            subject=header["subject"],
            addressees=header.get("addressees", ""),
            preamble=header.get("preamble", ""),
            closing=header.get("closing", ""),
            distribution=header.get("distribution", ""),
            attachments=header.get("attachments", ""),
            signer_authority=header.get("signer_authority", ""),
            signer_title=header.get("signer_title", ""),
            signer_name=header.get("signer_name", ""),
            monitoring_unit=header.get("monitoring_unit"),
            references=references,
            sections=sections,
            tasks=tasks,
        )

    # --- What the page shows ------------------------------------------------------------------
    def section_blocks(self) -> list[tuple[forms.Form, list[forms.Form]]]:
        """Each section with its tasks, in the page's order; tasks of a removed section last."""
        by_section: dict[str, list[forms.Form]] = {}
        for form in self.tasks.forms:
            by_section.setdefault(form["section"].value(), []).append(form)
        blocks = []
        for form in self.sections.forms:
            blocks.append((form, by_section.pop(form["key"].value(), [])))
        orphans = [form for forms_ in by_section.values() for form in forms_]
        if orphans and blocks:
            blocks[-1] = (blocks[-1][0], blocks[-1][1] + orphans)
        return blocks

    def is_uncertain(self, path: str) -> bool:
        return path in self.uncertain

    def extras(self, key: str) -> dict:
        return getattr(self, "_extras", {}).get(key, {})


# --- Changing the state without saving -------------------------------------------------------
def add_section(state: EditorState) -> str:
    if len(state["sections"]) >= MAX_SECTIONS:
        return ""
    taken = {s["key"] for s in state["sections"]} | {"s0"}
    key = _new_key("s", taken)
    state["sections"].append({"key": key, "pk": "", "title": ""})
    add_task(state, key)
    return key


def add_task(state: EditorState, section_key: str) -> str:
    if len(state["tasks"]) >= MAX_TASKS:
        return ""
    if section_key not in {s["key"] for s in state["sections"]}:
        section_key = state["sections"][-1]["key"] if state["sections"] else add_section(state)
    task = blank_task(section_key, {t["key"] for t in state["tasks"]})
    last = max(
        (i for i, t in enumerate(state["tasks"]) if t["section"] == section_key), default=None
    )
    position = len(state["tasks"]) if last is None else last + 1
    state["tasks"].insert(position, task)
    return task["key"]


def add_reference(state: EditorState) -> None:
    if len(state["references"]) >= MAX_REFERENCES:
        return
    state["references"].append(
        dict.fromkeys(REFERENCE_FIELDS, "") | {"document_type": DocumentType.OTHER}
    )


def map_name(state: EditorState, name: str, target: str, units: list) -> int:
    """Give every task that names ``name`` the units ``target`` means ("unit:<pk>", or a
    group "kind:<kind>"); returns how many tasks changed. "skip" just drops the name."""
    from units.choices import UnitKind

    if target.startswith("unit:"):
        chosen = [u for u in units if str(u.pk) == target.removeprefix("unit:")]
    elif target.startswith("kind:") and target.removeprefix("kind:") in UnitKind.values:
        chosen = [u for u in units if u.kind == target.removeprefix("kind:")]
    else:
        chosen = []
    changed = 0
    for task in state["tasks"]:
        names = [entry for entry in task.get("unmatched", []) if entry["name"] == name]
        if not names:
            continue
        for unit in chosen:
            task["units"].setdefault(str(unit.pk), {"role": names[0]["role"], "due": ""})
        task["unmatched"] = [e for e in task["unmatched"] if e["name"] != name]
        changed += 1
    return changed


def roman_to_int(mark: str) -> int | None:
    return ROMAN.get(mark.upper()) if mark else None
