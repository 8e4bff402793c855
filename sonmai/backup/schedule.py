"""The daily backup that beat runs, and the retention that follows it."""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from sonmai.backup.archive import BackupResult, archive_time, create_backup

logger = logging.getLogger(__name__)
# A ``.partial`` file this old belongs to a backup that died (a backup takes minutes).
STALE_PARTIAL = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Archive:
    path: Path
    created_at: datetime.datetime


def list_archives(directory: Path) -> list[Archive]:
    """The complete archives in ``directory``, newest first; other files are not ours."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        moment = archive_time(path.name)
        if moment is not None and path.is_file():
            found.append(Archive(path, moment))
    return sorted(found, key=lambda archive: (archive.created_at, archive.path.name), reverse=True)


def archives_to_keep(archives: list[Archive], *, daily: int, weekly: int) -> set[Path]:
    """The newest archive of each of the last ``daily`` days that have one, and of each of the
    last ``weekly`` ISO weeks that have one (commune time)."""
    keep: set[Path] = set()
    for size, period in ((daily, _day), (weekly, _week)):
        seen: list[object] = []
        for archive in archives:  # newest first: the first of a period is its newest
            key = period(archive.created_at)
            if key in seen:
                continue
            if len(seen) == size:
                break
            seen.append(key)
            keep.add(archive.path)
    return keep


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _week(moment: datetime.datetime) -> tuple[int, int]:
    return timezone.localtime(moment).isocalendar()[:2]


def prune(directory: Path, *, now: datetime.datetime, daily: int, weekly: int) -> list[Path]:
    """Delete the archives the policy does not keep, and partial files of dead backups."""
    archives = list_archives(directory)
    keep = archives_to_keep(archives, daily=daily, weekly=weekly)
    removed = [archive.path for archive in archives if archive.path not in keep]
    for path in directory.glob("sonmai-*.partial") if directory.is_dir() else ():
        modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
        if now - modified > STALE_PARTIAL:
            removed.append(path)
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


@dataclass(frozen=True)
class ScheduledResult:
    created: BackupResult | None
    removed: list[Path] = field(default_factory=list)
    #: Why no archive was made: "done today" or "running".
    skipped: str = ""


def run_scheduled_backup(now: datetime.datetime) -> ScheduledResult:
    """Make today's backup unless one exists, then apply the retention policy.

    Idempotent: run twice on the same day (a second beat, a retried task) it makes one archive;
    two at once, the second finds the lock taken and does nothing.
    """
    directory = Path(settings.BACKUP_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _lock(directory) as locked:
        if not locked:
            logger.info("Another backup is running; this pass does nothing.")
            return ScheduledResult(None, skipped="running")
        today = _day(now)
        created = None
        if any(_day(archive.created_at) == today for archive in list_archives(directory)):
            skipped = "done today"
        else:
            skipped = ""
            if not settings.BACKUP_PASSPHRASE:
                logger.warning(
                    "BACKUP_PASSPHRASE is not set: the backup holds the signing key and the "
                    "commune's data unencrypted."
                )
            created = create_backup(directory=directory, now=now)
            logger.info("Backup written: %s (%d bytes)", created.path, created.size)
        removed = prune(
            directory,
            now=now,
            daily=settings.BACKUP_KEEP_DAILY,
            weekly=settings.BACKUP_KEEP_WEEKLY,
        )
        for path in removed:
            logger.info("Old backup removed: %s", path)
        return ScheduledResult(created, removed, skipped)


@contextlib.contextmanager
def _lock(directory: Path) -> Iterator[bool]:
    descriptor = os.open(directory / ".lock", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
