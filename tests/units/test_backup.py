"""Backup and restore: a commune backed up, wiped and restored comes back row for row, file for
file, with its signed report intact; a bad archive is refused before anything is touched."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import io
import os
import shutil
import sqlite3
import tarfile
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings as conf
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SqliteWrapper
from django.db.migrations.recorder import MigrationRecorder

from directives.choices import AssignmentStatus, EvidenceKind
from reports.choices import GenerationState
from reports.models import Report
from reports.signing import (
    SigningCredentials,
    create_self_signed_certificate,
    verify_report_pdf,
)
from sonmai.backup import crypto, database
from sonmai.backup.schedule import archives_to_keep, list_archives, prune, run_scheduled_backup
from sonmai.celery import app as celery_app
from tests import factories as f
from tests.reports import reportkit as rk
from tests.units.test_settings import PRODUCTION, run_django
from units import tasks as unit_tasks
from units.models import Organisation

VIETNAM = datetime.timezone(datetime.timedelta(hours=7))
PASSPHRASE = "núi Sơn Mai mùa lúa chín"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> SigningCredentials:
    return create_self_signed_certificate(
        tmp_path_factory.mktemp("signing"),
        common_name="UBND xã Sơn Thử",
        organisation="UBND xã Sơn Thử",
    )


@pytest.fixture(autouse=True)
def portal(settings, tmp_path, certificate) -> SigningCredentials:
    """Media, backups and the commune's certificate and key in this test's own folders."""
    settings.MEDIA_ROOT = str(tmp_path / "portal" / "media")
    settings.BACKUP_DIR = tmp_path / "portal" / "backups"
    settings.BACKUP_PASSPHRASE = ""
    signing = tmp_path / "portal" / "signing"
    signing.mkdir(parents=True)
    credentials = SigningCredentials(
        Path(shutil.copy(certificate.cert_path, signing)),
        Path(shutil.copy(certificate.key_path, signing)),
    )
    settings.REPORT_SIGNING_CERT = credentials.cert_path
    settings.REPORT_SIGNING_KEY = credentials.key_path
    return credentials


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table the portal's models (and their many-to-many tables) hold."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        rows[model._meta.db_table] = list(model._base_manager.order_by("pk").values_list())
    return rows


def every_file(root: str) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


def make_backup() -> Path:
    call_command("backup", stdout=io.StringIO())
    (archive,) = list_archives(Path(conf.BACKUP_DIR))
    return archive.path


def restore(path: Path) -> str:
    out = io.StringIO()
    call_command("restore", str(path), "--noinput", stdout=out)
    return out.getvalue()


def wipe_everything(portal: SigningCredentials) -> None:
    call_command("flush", interactive=False)
    shutil.rmtree(conf.MEDIA_ROOT)
    portal.cert_path.unlink()
    portal.key_path.unlink()


def signed_report(cast) -> Report:
    """Approved and signed: in a transactional test the on-commit job runs (eagerly) at once."""
    report = rk.approved_report(cast)
    report.refresh_from_db()
    assert report.generation_state == GenerationState.DONE, report.generation_error
    return report


# --- The whole round trip ---------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_commune_wiped_and_restored_has_the_same_rows_files_and_signed_report(cast, portal):
    update = f.ProgressUpdateFactory(
        assignment=cast.assignment_b,
        author=cast.unit_head_b,
        status=AssignmentStatus.IN_PROGRESS,
        percent_done=60,
        results="Đã tổ chức hội nghị quán triệt cho 45 đảng viên.",
    )
    f.EvidenceFactory(
        update=update,
        uploaded_by=cast.unit_head_b,
        file=ContentFile(b"%PDF-1.4 bien ban hoi nghi", name="biên bản.pdf"),
        original_name="Biên bản hội nghị.pdf",
        kind=EvidenceKind.PDF,
        content_type="application/pdf",
    )
    report = signed_report(cast)
    rows, files = every_row(), every_file(conf.MEDIA_ROOT)
    hashes = (report.pdf.name, report.pdf_sha256, report.content_sha256)
    assert len(files) >= 5  # two pieces of evidence, the directive, the import, the report
    assert report.pdf.name in files

    archive = make_backup()
    wipe_everything(portal)
    assert not Report.objects.exists()
    assert not Path(conf.MEDIA_ROOT).exists()

    output = restore(archive)

    assert "Đã phục hồi" in output
    assert every_row() == rows
    assert every_file(conf.MEDIA_ROOT) == files
    restored = Report.objects.get(pk=report.pk)
    assert (restored.pdf.name, restored.pdf_sha256, restored.content_sha256) == hashes
    data = restored.pdf.read()
    assert hashlib.sha256(data).hexdigest() == restored.pdf_sha256
    assert portal.key_path.is_file()
    assert portal.key_path.stat().st_mode & 0o077 == 0
    verification = verify_report_pdf(data)
    assert verification.ok, verification.message
    # The portal goes on: new rows take new ids (PostgreSQL's sequences came back too).
    newcomer = f.OrganisationFactory(name="Xã mới sau phục hồi")
    assert newcomer.pk > max(pk for pk, *_ in rows[Organisation._meta.db_table])


@pytest.mark.django_db(transaction=True)
def test_an_encrypted_backup_reads_as_noise_and_restores_with_its_passphrase(
    cast, portal, settings
):
    settings.BACKUP_PASSPHRASE = PASSPHRASE
    rows, files = every_row(), every_file(settings.MEDIA_ROOT)
    archive = make_backup()
    assert archive.name.endswith(".tar.gz.enc")
    content = archive.read_bytes()
    assert content.startswith(crypto.MAGIC)
    assert b"manifest.json" not in content
    assert b"BEGIN" not in content  # no PEM key in clear

    wipe_everything(portal)
    restore(archive)

    assert every_row() == rows
    assert every_file(settings.MEDIA_ROOT) == files
    assert portal.cert_path.is_file()


# --- Nothing is touched when the archive is wrong ---------------------------------------------
def assert_refused(path: Path, message: str) -> None:
    sentinel = f.OrganisationFactory(name="Dữ liệu sau bản sao lưu")
    files = every_file(conf.MEDIA_ROOT)
    with pytest.raises(CommandError, match=message):
        restore(path)
    assert Organisation.objects.filter(pk=sentinel.pk).exists()
    assert every_file(conf.MEDIA_ROOT) == files


@pytest.mark.django_db(transaction=True)
def test_a_wrong_passphrase_is_refused_and_nothing_is_wiped(cast, settings):
    settings.BACKUP_PASSPHRASE = PASSPHRASE
    archive = make_backup()
    settings.BACKUP_PASSPHRASE = "một mật khẩu khác hẳn"
    assert_refused(archive, "Sai mật khẩu")
    settings.BACKUP_PASSPHRASE = ""
    assert_refused(archive, "được mã hóa: đặt BACKUP_PASSPHRASE")


@pytest.mark.django_db(transaction=True)
def test_a_tampered_encrypted_archive_is_refused_and_nothing_is_wiped(cast, settings):
    settings.BACKUP_PASSPHRASE = PASSPHRASE
    archive = make_backup()
    content = bytearray(archive.read_bytes())
    content[len(content) // 2] ^= 0x01
    archive.write_bytes(bytes(content))
    assert_refused(archive, "bị hỏng, bị cắt cụt hoặc đã bị sửa đổi")


def rewrite(archive: Path, change=lambda name, data: data, extra: str = "") -> None:
    """Rewrite a plain archive member by member, ``change(name, data)`` giving new bytes; a
    member named ``extra`` is slipped in first."""
    members = [(tarfile.TarInfo(extra), b"planted")] if extra else []
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            members.append((member, change(member.name, tar.extractfile(member).read())))
    with gzip.open(archive, "wb") as raw, tarfile.open(fileobj=raw, mode="w|") as tar:
        for member, data in members:
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))


@pytest.mark.django_db(transaction=True)
def test_a_changed_file_in_a_plain_archive_is_refused_and_nothing_is_wiped(cast):
    archive = make_backup()
    evidence = f"media/{cast.evidence_a.file.name}"
    rewrite(archive, lambda name, data: data + b"!" if name == evidence else data)
    assert_refused(archive, f"sai mã băm: {evidence}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["media/../../planted.txt", "/var/planted.txt", "notes.txt"])
def test_a_member_outside_the_archive_layout_is_refused(cast, tmp_path, name):
    archive = make_backup()
    rewrite(archive, extra=name)
    assert_refused(archive, "mục lạ")
    assert not list(tmp_path.rglob("planted.txt"))


@pytest.mark.django_db(transaction=True)
def test_a_cut_short_archive_is_refused(cast):
    archive = make_backup()
    archive.write_bytes(archive.read_bytes()[:-200])
    assert_refused(archive, "bị hỏng")


@pytest.mark.django_db(transaction=True)
def test_a_backup_from_newer_code_is_refused(cast):
    recorder = MigrationRecorder(connection)
    recorder.record_applied("units", "9999_from_the_future")
    try:
        archive = make_backup()
    finally:
        # django_migrations is not emptied between tests.
        recorder.record_unapplied("units", "9999_from_the_future")
    assert_refused(archive, "mới hơn.*units.9999_from_the_future")


@pytest.mark.django_db(transaction=True)
def test_a_backup_from_older_code_is_restorable_and_says_to_migrate(cast):
    recorder = MigrationRecorder(connection)
    latest = max(name for app, name in recorder.applied_migrations() if app == "reports")
    recorder.record_unapplied("reports", latest)
    try:
        archive = make_backup()
    finally:
        recorder.record_applied("reports", latest)
    out = io.StringIO()
    call_command("restore", str(archive), "--check", stdout=out)
    assert f"reports.{latest}" in out.getvalue()
    assert "chạy `python manage.py migrate`" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_check_and_a_declined_confirmation_change_nothing(cast, monkeypatch):
    archive = make_backup()
    out = io.StringIO()
    call_command("restore", str(archive), "--check", stdout=out)
    assert "nguyên vẹn" in out.getvalue()
    sentinel = f.OrganisationFactory()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "Đã hủy" in out.getvalue()
    assert Organisation.objects.filter(pk=sentinel.pk).exists()


# --- The daily job and retention --------------------------------------------------------------
def touch_archive(directory: Path, moment: datetime.datetime) -> Path:
    path = directory / f"sonmai-{moment:%Y%m%d-%H%M%S}.tar.gz"
    path.write_bytes(b"")
    return path


def test_retention_keeps_the_newest_of_each_recent_day_and_week(tmp_path):
    folder = tmp_path / "archives"
    folder.mkdir()
    start = datetime.datetime(2026, 1, 1, 2, 30, tzinfo=VIETNAM)  # a Thursday
    for day in range(40):
        touch_archive(folder, start + datetime.timedelta(days=day))
    touch_archive(folder, start + datetime.timedelta(days=39, hours=10))  # a second that day
    (folder / "notes.txt").write_text("not a backup")
    stale = folder / "sonmai-20260101-023000.tar.gz.partial"
    fresh = folder / "sonmai-20260209-023000.tar.gz.partial"
    stale.write_bytes(b"")
    fresh.write_bytes(b"")
    now = datetime.datetime(2026, 2, 9, 13, 0, tzinfo=VIETNAM)
    with time_machine.travel(now, tick=False):
        fresh.touch()
    os.utime(stale, (now.timestamp() - 3 * 86400,) * 2)

    removed = prune(folder, now=now, daily=3, weekly=3)

    assert {path.name for path in folder.iterdir()} == {
        # The last three days, 7, 8 and 9 February (the newest of the 9th only) …
        "sonmai-20260209-123000.tar.gz",
        "sonmai-20260208-023000.tar.gz",
        "sonmai-20260207-023000.tar.gz",
        # … and the newest of the last three weeks: W07 and W06 are the 9th and the 8th
        # (Sunday) already kept, W05's is Sunday 1 February.
        "sonmai-20260201-023000.tar.gz",
        fresh.name,  # a backup that may still be running
        "notes.txt",  # not ours
    }
    assert stale in removed
    assert len(removed) == 41 - 4 + 1


def test_retention_of_nothing_keeps_nothing(tmp_path):
    assert archives_to_keep(list_archives(tmp_path), daily=3, weekly=2) == set()


@pytest.mark.django_db(transaction=True)
def test_the_daily_job_backs_up_once_a_day_and_prunes(settings, cast):
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY = 2, 1
    night = datetime.datetime(2026, 3, 2, 2, 30, tzinfo=VIETNAM)  # a Monday
    with time_machine.travel(night, tick=False):
        first = run_scheduled_backup(night)
        again = run_scheduled_backup(night + datetime.timedelta(hours=5))
    assert first.created is not None
    assert again.created is None and again.skipped == "done today"
    assert len(list_archives(settings.BACKUP_DIR)) == 1

    for day in range(1, 10):
        moment = night + datetime.timedelta(days=day)
        with time_machine.travel(moment, tick=False):
            result = run_scheduled_backup(moment)
        assert result.created is not None

    names = [archive.path.name for archive in list_archives(settings.BACKUP_DIR)]
    # 11 March (Wednesday) and 10 March: the last two days; the newest of this week is one
    # of them, so weekly adds nothing more.
    assert names == ["sonmai-20260311-023000.tar.gz", "sonmai-20260310-023000.tar.gz"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"BACKUP_PASSPHRASE": "too short"}, "at least 12 characters"),
        ({"BACKUP_PASSPHRASE": PASSPHRASE, "BACKUP_PASSPHRASE_FILE": "/etc/hostname"}, "not both"),
        ({"BACKUP_PASSPHRASE_FILE": "/nonexistent/passphrase"}, "cannot be read"),
        ({"MEDIA_ROOT": "/srv/sonmai", "BACKUP_DIR": "/srv/sonmai/backups"}, "inside MEDIA_ROOT"),
        ({"BACKUP_SCHEDULE": "25:00"}, "BACKUP_SCHEDULE='25:00' is not a time of day"),
        ({"BACKUP_KEEP_DAILY": "0"}, "BACKUP_KEEP_DAILY must be at least 1"),
    ],
)
def test_bad_backup_settings_stop_the_start(change, message):
    result = run_django(["check"], PRODUCTION | change)
    assert result.returncode != 0
    assert message in result.stderr


def test_beat_runs_the_daily_backup_at_night():
    entry = celery_app.conf.beat_schedule["backup-daily"]
    assert entry["task"] == unit_tasks.run_scheduled_backup.name
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {30}


# --- The pieces -------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 3500])
def test_encryption_round_trips_any_length(size):
    plain = bytes(range(256)) * (size // 256 + 1)
    plain = plain[:size]
    sealed = io.BytesIO()
    with crypto.EncryptingWriter(sealed, PASSPHRASE, chunk_size=1000) as writer:
        writer.write(plain)
    sealed.seek(0)
    assert crypto.DecryptingReader(sealed, PASSPHRASE, chunk_size=1000).read() == plain


def seal(plain: bytes) -> bytes:
    sealed = io.BytesIO()
    with crypto.EncryptingWriter(sealed, PASSPHRASE, chunk_size=1000) as writer:
        writer.write(plain)
    return sealed.getvalue()


def test_encryption_catches_wrong_passphrase_cut_and_reordered_chunks():
    sealed = seal(b"x" * 3000)
    record = 1000 + crypto.TAG_SIZE
    header, body = sealed[: crypto.HEADER_SIZE], sealed[crypto.HEADER_SIZE :]
    with pytest.raises(crypto.WrongPassphrase):
        crypto.DecryptingReader(io.BytesIO(sealed), "không phải mật khẩu")
    cut = header + body[: 2 * record]  # the last chunk is gone
    with pytest.raises(crypto.DamagedArchive):
        crypto.DecryptingReader(io.BytesIO(cut), PASSPHRASE, chunk_size=1000).read()
    swapped = header + body[record : 2 * record] + body[:record] + body[2 * record :]
    with pytest.raises(crypto.DamagedArchive):
        crypto.DecryptingReader(io.BytesIO(swapped), PASSPHRASE, chunk_size=1000).read()


def sqlite_file(path: Path) -> SqliteWrapper:
    """A connection to a SQLite file set up as the portal sets up its own (WAL mode)."""
    return SqliteWrapper(
        {
            **connection.settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 5},
            "TEST": {},
        },
        alias="backup-file-test",
    )


def test_a_sqlite_file_in_wal_mode_is_dumped_and_replaced_in_place(tmp_path, django_db_blocker):
    live = sqlite_file(tmp_path / "portal.sqlite3")
    with django_db_blocker.unblock():
        try:
            with live.cursor() as cursor:
                cursor.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
                cursor.executemany(
                    "INSERT INTO note (text) VALUES (%s)", [("Sơn Mai",), ("Thôn 1",)]
                )
            database.dump(live, tmp_path / "copy.db")
            with live.cursor() as cursor:
                cursor.execute("INSERT INTO note (text) VALUES ('after the backup')")
                cursor.execute("CREATE TABLE later (id INTEGER PRIMARY KEY)")
            other = sqlite3.connect(tmp_path / "portal.sqlite3")  # another process of the portal

            database.check_dump(database.SQLITE, tmp_path / "copy.db")
            database.load(live, database.SQLITE, tmp_path / "copy.db")

            assert other.execute("SELECT text FROM note ORDER BY id").fetchall() == [
                ("Sơn Mai",),
                ("Thôn 1",),
            ]
            tables = {row[0] for row in other.execute("SELECT name FROM sqlite_master")}
            assert "later" not in tables
            assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            other.close()
        finally:
            live.close()
