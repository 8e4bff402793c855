"""How long the monitoring dashboard takes to render for a large commune and inside a
province-sized database, and how many queries it makes.

Two datasets are built in a throwaway database (a SQLite file under var/bench/dashboard/, or a
fresh PostgreSQL database on the server of DATABASE_URL, dropped afterwards), each in a child
process so the figures do not depend on what else the runner did:

- ``large``: one commune of 60 units × 200 tasks (12,000 assignments, a fifth with updates);
- ``province``: 100 communes of 25 units × 40 tasks each (100,000 assignments); one commune's
  dashboard is rendered, which shows what scoping to one organisation costs in a shared database.

The figure is the server render time of ``/bang-theo-doi/`` (view, queries and template, through
Django's test client), best and median of five, plus its query count and HTML size.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEAT = 5
DATASETS = {"large": (1, 60, 200), "province": (100, 25, 40)}


def run() -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from tests.notifications.integration import make_database

    workdir = ROOT / "var" / "bench" / "dashboard"
    workdir.mkdir(parents=True, exist_ok=True)
    figures: dict[str, object] = {}
    for name in DATASETS:
        for old in workdir.glob("*.sqlite3*"):
            old.unlink()
        database_url, drop = make_database(workdir)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "1",
            "ALLOWED_HOSTS": "testserver",
            "DJANGO_SETTINGS_MODULE": "sonmai.settings",
            "VAR_DIR": str(workdir / "var"),
        }
        env.pop("REDIS_URL", None)
        try:
            result = subprocess.run(
                [sys.executable, "-m", "bench.bench_dashboard", name],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=3600,
                check=False,
            )
            if result.returncode != 0:
                raise RuntimeError(f"bench_dashboard {name} failed:\n{result.stderr[-4000:]}")
            figures |= json.loads(result.stdout.strip().splitlines()[-1])
        finally:
            drop()
        figures["variant"] = "postgresql" if database_url.startswith("postgres") else "sqlite"
    return figures


# --- In the child process -------------------------------------------------------------------
def _build(communes: int, units: int, tasks: int) -> object:
    import datetime

    from directives.choices import AssignmentStatus, DocumentType
    from directives.models import Assignment, Directive, ProgressUpdate, Section, Task
    from units.choices import OrganisationLevel, Role, UnitKind
    from units.models import Organisation, Unit, User

    today = datetime.date(2026, 11, 28)
    officer = None
    for number in range(communes):
        commune = Organisation.objects.create(
            name=f"Ủy ban nhân dân xã Bench {number}",
            short_name=f"UBND xã Bench {number}",
            level=OrganisationLevel.COMMUNE,
            hosts_portal=True,
            place_name="Bench",
        )
        unit_rows = Unit.objects.bulk_create(
            Unit(
                organisation=commune,
                name=f"Thôn {i}",
                code=f"T{i}",
                position=i,
                kind=UnitKind.HAMLET if i % 3 else UnitKind.DEPARTMENT,
            )
            for i in range(units)
        )
        directive = Directive.objects.create(
            organisation=commune,
            issuing_body=commune,
            document_type=DocumentType.DISPATCH,
            number="1",
            symbol="UBND-VP",
            subject="Triển khai Kết luận 221-KL/TW",
            issued_on=datetime.date(2026, 1, 12),
            issued_month=1,
            issued_year=2026,
        )
        sections = Section.objects.bulk_create(
            Section(directive=directive, number=s, title=f"Mục {s}") for s in (1, 2, 3)
        )
        task_rows = Task.objects.bulk_create(
            Task(
                section=sections[t % 3],
                number=t // 3 + 1,
                text="Nội dung nhiệm vụ",
                short_title=f"Nhiệm vụ {t}",
                search_text="noi dung nhiem vu",
            )
            for t in range(tasks)
        )
        rows = []
        for t, task in enumerate(task_rows):
            for u, unit in enumerate(unit_rows):
                k = (t * 7 + u) % 10
                due = None if k == 9 else today + datetime.timedelta(days=(t * 13 + u) % 200 - 100)
                done = k < 4
                rows.append(
                    Assignment(
                        task=task,
                        unit=unit,
                        due_date=due,
                        cadence="monthly" if due is None else "",
                        assigned_on=datetime.date(2026, 1, 12),
                        status=AssignmentStatus.DONE
                        if done
                        else (
                            AssignmentStatus.IN_PROGRESS if k < 8 else AssignmentStatus.NOT_STARTED
                        ),
                        percent_done=100 if done else k * 10,
                        completed_on=(due or today) - datetime.timedelta(days=k) if done else None,
                        started_on=datetime.date(2026, 1, 20) if k < 8 else None,
                    )
                )
        Assignment.objects.bulk_create(rows, batch_size=5000)
        author = User.objects.create(
            username=f"head{number}", organisation=commune, unit=unit_rows[0], role=Role.UNIT_HEAD
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                assignment=a,
                author=author,
                status=a.status,
                percent_done=a.percent_done,
                results="Đã thực hiện",
                search_text="da thuc hien",
            )
            for a in Assignment.objects.filter(unit__organisation=commune)[::5]
        )
        if officer is None:
            officer = User.objects.create(
                username="bench-officer",
                organisation=commune,
                unit=unit_rows[0],
                role=Role.MONITORING_OFFICER,
            )
    return officer


def _child(name: str) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    officer = _build(*DATASETS[name])
    build_seconds = time.perf_counter() - started
    client = Client()
    client.force_login(officer)
    client.get("/bang-theo-doi/")  # warm caches (templates, content types)
    timings = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get("/bang-theo-doi/")
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"dashboard answered {response.status_code}")
    with CaptureQueriesContext(connection) as context:
        response = client.get("/bang-theo-doi/")
    communes, units, tasks = DATASETS[name]
    prefix = f"dashboard.{name}"
    report_figures = _report_figures(name, officer, client)
    return report_figures | {
        f"{prefix}.assignments_in_database": communes * units * tasks,
        f"{prefix}.assignments_shown": units * tasks,
        f"{prefix}.render_best_s": round(min(timings), 3),
        f"{prefix}.render_median_s": round(statistics.median(timings), 3),
        f"{prefix}.queries": len(context.captured_queries),
        f"{prefix}.html_kib": round(len(response.content) / 1024, 1),
        f"{prefix}.build_s": round(build_seconds, 1),
    }


def _report_figures(name: str, officer: object, client: object) -> dict[str, object]:
    """Compiling the periodic report's draft from the same data, and rendering its page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from directives.choices import Cadence
    from directives.models import Directive
    from directives.periods import period_containing
    from reports import services
    from reports.compilation import compile_snapshot

    directive = Directive.objects.filter(organisation_id=officer.organisation_id).first()
    key = period_containing(timezone.localdate(), Cadence.MONTHLY).key
    report = services.create_report(
        directive=directive, actor=officer, kind=Cadence.MONTHLY, period_key=key
    )
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        compile_snapshot(report)
        timings.append(time.perf_counter() - started)
    url = f"/bao-cao/{report.pk}/"
    client.get(url)
    page_timings = []
    for _ in range(3):
        started = time.perf_counter()
        response = client.get(url)
        page_timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"report page answered {response.status_code}")
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    prefix = f"report_draft.{name}"
    return {
        f"{prefix}.compile_best_s": round(min(timings), 3),
        f"{prefix}.page_best_s": round(min(page_timings), 3),
        f"{prefix}.page_queries": len(context.captured_queries),
        f"{prefix}.page_kib": round(len(response.content) / 1024, 1),
    }


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in DATASETS:
        print(json.dumps(_child(sys.argv[1])))
    else:
        figures = run()
        for key, value in figures.items():
            print(f"{key:45} {value}")
