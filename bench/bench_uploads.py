"""Memory of the web process while a hamlet head sends big photos: the issue's finding replayed.

Runner interface (``make bench``): ``run() -> dict``. A real gunicorn serves the portal in
production mode (DEBUG=0, with the settings production requires; static files collected) on a
throwaway SQLite database holding the demo commune, with one worker of four threads so that
every request of the test lands in the same process. Signed in as ``truongthon1``, the bench
sends four progress updates at once, each with one photo: three 48-megapixel JPEGs (8,000 ×
6,000, drawn with noise so they weigh what a phone's do, 8.5 MB) and the 7,740 × 7,740 PNG of
the finding (mostly one colour, about 200 KB). A sampler reads ``VmRSS`` from
``/proc/<pid>/status`` every 20 ms for the gunicorn worker and, apart, for the child processes
it starts. The baseline, in the same run: the worker's size before, and its peak while four
home pages are served at once.

``BENCH_UPLOADS_CODE=/path/to/another/checkout`` serves that checkout instead (the figures are
kept as the variant "other code"): how the finding was reproduced on the code before the fix.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
USER, PASSWORD = "truongthon1", "sonmai2026"
SAMPLE_SECONDS = 0.02


# --- Processes and their memory -----------------------------------------------------------------
def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(child) for child in handle.read().split()]
    except OSError:
        pass
    return found


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """Peak RSS of some processes (``watched()``: the gunicorn workers) and, apart, of the
    processes they start."""

    def __init__(self, watched) -> None:
        super().__init__(daemon=True)
        self.watched = watched
        self.stop = threading.Event()
        self.worker_peak = self.children_peak = self.children_sum_peak = 0
        self.children_seen: set[int] = set()

    def run(self) -> None:
        while not self.stop.is_set():
            for worker in self.watched():
                self.worker_peak = max(self.worker_peak, _rss_kib(worker))
                sizes = []
                for child in _children(worker):
                    self.children_seen.add(child)
                    sizes.append(_rss_kib(child))
                if sizes:
                    self.children_peak = max(self.children_peak, *sizes)
                    self.children_sum_peak = max(self.children_sum_peak, sum(sizes))
            time.sleep(SAMPLE_SECONDS)


def measure(master: int, work) -> tuple[Sampler, object]:
    """Run ``work()`` while sampling the workers of the gunicorn ``master``."""
    sampler = Sampler(lambda: _children(master))
    sampler.start()
    try:
        result = work()
    finally:
        time.sleep(0.1)
        sampler.stop.set()
        sampler.join()
    return sampler, result


# --- HTTP ---------------------------------------------------------------------------------------
class Browser:
    """Just enough of a browser: cookies (Secure ones too, over this loopback HTTP), forms."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "Origin": f"http://127.0.0.1:{self.port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _eq, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, response.getheader("Location"), content.decode("utf-8", "replace")

    def get(self, path: str):
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]):
        from urllib.parse import urlencode

        return self.request(
            "POST",
            path,
            urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    def post_multipart(self, path: str, fields: dict[str, str], files: list[tuple]):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, filename, content, content_type in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            "POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )


def _field(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page
    )
    return match[1] if match else ""


# --- The run ------------------------------------------------------------------------------------
def _environment(folder: Path, port: int, debug: bool) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DEBUG="1" if debug else "0",
        DATABASE_URL=f"sqlite:///{folder / 'portal.sqlite3'}",
        VAR_DIR=str(folder / "var"),
        MEDIA_ROOT=str(folder / "media"),
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        EMAIL_URL="console://",
        LOG_LEVEL="WARNING",
    )
    return env


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run() -> dict[str, float | int | str]:
    code = Path(os.environ.get("BENCH_UPLOADS_CODE") or ROOT).resolve()
    python = str(ROOT / ".venv" / "bin" / "python")
    folder = Path(tempfile.mkdtemp(prefix="sonmai-bench-uploads-"))
    port = _free_port()
    figures: dict[str, float | int | str] = {}
    if code != ROOT:
        figures["variant"] = code.name
    setup = _environment(folder, port, debug=True)  # the demo passwords are set in DEBUG only
    production = _environment(folder, port, debug=False)
    for command, env in [
        (["migrate", "--noinput", "-v0"], setup),
        (["load_demo_commune"], setup),
        (["collectstatic", "--noinput", "-v0"], production),
    ]:
        subprocess.run(
            [python, "manage.py", *command],
            cwd=code,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    from tests.directives.upload_samples import finding_png, phone_photo, shared_strings_bomb

    photo, png, bomb = phone_photo(noisy=True), finding_png(), shared_strings_bomb()
    figures["photo_mb"] = round(len(photo) / 1e6, 1)
    figures["png_kb"] = round(len(png) / 1e3)
    figures["sheet_bomb_kb"] = round(len(bomb) / 1e3)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "sonmai.wsgi",
            "--workers=1",
            "--threads=4",
            "--worker-class=gthread",
            f"--bind=127.0.0.1:{port}",
            "--timeout=300",
        ],
        cwd=code,
        env=production,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        figures.update(_exercise(server.pid, port, photo, png))
        figures.update(_post_sheet(server.pid, port, bomb))
    finally:
        server.terminate()
        server.wait(timeout=30)
    try:
        figures.update(_check_sheet_as_the_worker_does(code, python, setup, folder, bomb))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return figures


def _signed_in(port: int, username: str) -> Browser:
    browser = Browser(port)
    for _ in range(150):
        try:
            _status, _location, page = browser.get("/dang-nhap/")
            break
        except OSError:
            time.sleep(0.2)
    status, _location, _page = browser.post_form(
        "/dang-nhap/",
        {
            "csrfmiddlewaretoken": _field(page, "csrfmiddlewaretoken"),
            "username": username,
            "password": PASSWORD,
        },
    )
    if status != 302:
        raise RuntimeError(f"sign-in of {username} failed ({status})")
    return browser


def _exercise(master: int, port: int, photo: bytes, png: bytes) -> dict[str, float | int]:
    browser = _signed_in(port, USER)
    _status, _location, tasks = browser.get("/viec-cua-don-vi/")
    ids = list(dict.fromkeys(int(pk) for pk in re.findall(r"/nhiem-vu/(\d+)/", tasks)))[:4]
    forms = []
    for pk in ids:
        _status, _location, form = browser.get(f"/nhiem-vu/{pk}/cap-nhat/")
        forms.append((pk, form))
    browser.get("/")  # warm: every page used below has been served once

    worker = _children(master)[0]
    figures: dict[str, float | int] = {"worker_before_mib": round(_rss_kib(worker) / 1024)}

    def in_parallel(calls: list) -> list:
        results = [None] * len(calls)

        def one(index: int, call) -> None:
            results[index] = call()

        threads = [threading.Thread(target=one, args=(i, c)) for i, c in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    trivial, _pages = measure(master, lambda: in_parallel([lambda: browser.get("/")] * 4))
    figures["trivial_peak_mib"] = round(trivial.worker_peak / 1024)

    def send(pk: int, form: str, name: str, content: bytes, content_type: str):
        def call():
            started = time.monotonic()
            status, _location, _page = browser.post_multipart(
                f"/nhiem-vu/{pk}/cap-nhat/",
                {
                    "csrfmiddlewaretoken": _field(form, "csrfmiddlewaretoken"),
                    "submission_token": _field(form, "submission_token"),
                    "version": _field(form, "version"),
                    "status": "in_progress",
                    "percent_done": "30",
                    "results": "Đã họp thôn, có ảnh biên bản.",
                },
                [("evidence", name, content, content_type)],
            )
            return status, time.monotonic() - started

        return call

    files = [("a.jpg", photo, "image/jpeg")] * 3 + [("so-do.png", png, "image/png")]
    calls = [send(pk, form, *file) for (pk, form), file in zip(forms, files, strict=True)]
    uploads, answers = measure(master, lambda: in_parallel(calls))
    figures["upload_peak_mib"] = round(uploads.worker_peak / 1024)
    figures["upload_growth_mib"] = figures["upload_peak_mib"] - figures["worker_before_mib"]
    figures["children_started"] = len(uploads.children_seen)
    figures["child_peak_mib"] = round(uploads.children_peak / 1024)
    figures["children_peak_total_mib"] = round(uploads.children_sum_peak / 1024)
    figures["uploads_kept"] = sum(status == 302 for status, _seconds in answers)
    figures["slowest_upload_seconds"] = round(max(seconds for _status, seconds in answers), 1)
    figures["worker_after_mib"] = round(_rss_kib(worker) / 1024)
    return figures


def _post_sheet(master: int, port: int, bomb: bytes) -> dict[str, float | int]:
    """The office uploads the shared-strings bomb: how long the request takes, what it costs
    the web process, and whether it is stored (302 to the status page) or refused (200)."""
    browser = _signed_in(port, "vhxh")
    _status, _location, directives = browser.get("/van-ban/")
    directive = re.findall(r"/van-ban/(\d+)/", directives)[0]
    path = f"/van-ban/{directive}/nhap-excel/"
    _status, _location, form = browser.get(path)
    started = time.monotonic()
    sampler, (status, _location, _page) = measure(
        master,
        lambda: browser.post_multipart(
            path,
            {"csrfmiddlewaretoken": _field(form, "csrfmiddlewaretoken")},
            [("file", "phan-cong.xlsx", bomb, "application/octet-stream")],
        ),
    )
    return {
        "sheet_request_status": status,
        "sheet_request_seconds": round(time.monotonic() - started, 2),
        "sheet_request_peak_mib": round(sampler.worker_peak / 1024),
    }


_CHECK = """
import time, uuid
from django.core.files import File
from directives import imports
from directives.models import AssignmentImport, Directive
from units.models import User
with open({path!r}, "rb") as handle:
    job = AssignmentImport(directive=Directive.objects.first(), token=uuid.uuid4(),
        uploaded_by=User.objects.get(username="vhxh"), original_name="bomb.xlsx", state="queued")
    job.file.save("bomb.xlsx", File(handle), save=False)
    job.save()
started = time.monotonic()
imports.run_check(job.pk)
job.refresh_from_db()
print(round(time.monotonic() - started, 2), job.state, flush=True)
"""


def _check_sheet_as_the_worker_does(
    code: Path, python: str, env: dict, folder: Path, bomb: bytes
) -> dict[str, float | int | str]:
    """What the Celery task does with the same file (``imports.run_check``), in a process of
    its own: its time, its peak and its children's peak."""
    path = folder / "bomb.xlsx"
    path.write_bytes(bomb)
    process = subprocess.Popen(
        [python, "manage.py", "shell", "-c", _CHECK.format(path=str(path))],
        cwd=code,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    sampler = Sampler(lambda: [process.pid])
    sampler.start()
    output, _errors = process.communicate(timeout=600)
    sampler.stop.set()
    sampler.join()
    seconds, state = output.split()[-2:]
    return {
        "sheet_check_seconds": float(seconds),
        "sheet_check_state": state,
        "sheet_check_peak_mib": round(sampler.worker_peak / 1024),
        "sheet_check_child_peak_mib": round(sampler.children_peak / 1024),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
    sys.exit(0)
