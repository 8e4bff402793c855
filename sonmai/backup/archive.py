"""One archive file holds everything the portal cannot rebuild: the database, the uploaded
files (evidence, directive documents, signed reports) and the commune's signing certificate
and key, with a manifest that lists each file's SHA-256 and the migrations the database had.

The archive is a tar stream, gzip-compressed and, with a passphrase, encrypted chunk by chunk
(``crypto``): nothing is ever held in memory whole. Its members::

    database/sqlite3.db | database/postgresql.dump
    media/<path under MEDIA_ROOT>
    signing/certificate, signing/key
    manifest.json                     (last: it holds the hashes of the others)

``restore`` reads it back.
"""

from __future__ import annotations

import contextlib
import datetime
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connections
from django.utils import timezone

from sonmai.backup import crypto, database

FORMAT = "sonmai-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNING_ROLES = ("certificate", "key")
ARCHIVE_NAME = re.compile(r"^sonmai-(\d{8}-\d{6})(?:-\d+)?\.tar\.gz(\.enc)?$")
COPY_BUFFER = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Vietnamese)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    encrypted: bool
    media_files: int
    signing_files: int
    manifest: dict = field(repr=False)


def archive_name(moment: datetime.datetime, *, encrypted: bool) -> str:
    local = timezone.localtime(moment)
    return f"sonmai-{local:%Y%m%d-%H%M%S}.tar.gz" + (".enc" if encrypted else "")


def archive_time(name: str) -> datetime.datetime | None:
    """When an archive named by ``archive_name`` was made, or None for any other file."""
    match = ARCHIVE_NAME.match(name)
    if not match:
        return None
    # The name is written in commune time (archive_name).
    return datetime.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(
        tzinfo=timezone.get_current_timezone()
    )


def create_backup(
    *,
    directory: Path | None = None,
    passphrase: str | None = None,
    now: datetime.datetime | None = None,
    using: str = "default",
) -> BackupResult:
    """Write one archive of the database, the media and the signing key into ``directory``.

    The archive is written as ``<name>.partial`` and renamed when complete, so a crash never
    leaves a file that looks like a backup. It is readable by its owner only.
    """
    directory = Path(directory or settings.BACKUP_DIR)
    passphrase = settings.BACKUP_PASSPHRASE if passphrase is None else passphrase
    now = now or timezone.now()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = _free_name(directory, archive_name(now, encrypted=bool(passphrase)))
    partial = target.with_name(target.name + ".partial")
    connection = connections[using]
    files: list[dict] = []
    with tempfile.TemporaryDirectory(prefix=".dump-", dir=directory) as scratch:
        engine = database.engine_of(connection)
        # Read before the dump: migrations only change while the portal is being upgraded.
        migrations = database.applied_migrations(connection)
        dump_file = Path(scratch) / "dump"
        try:
            database.dump(connection, dump_file)
        except database.DatabaseToolError as error:
            raise BackupError(f"Không sao lưu được cơ sở dữ liệu: {error}") from error
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with open(descriptor, "wb") as handle:
                with _writer(handle, passphrase) as tar:
                    files.append(_add(tar, database.DUMP_NAMES[engine], dump_file))
                    media = _add_media(tar, Path(settings.MEDIA_ROOT))
                    files.extend(media)
                    signing = _add_signing(tar, files)
                    manifest = {
                        "format": FORMAT,
                        "version": FORMAT_VERSION,
                        "created_at": timezone.localtime(now).isoformat(),
                        "portal": portal_version(),
                        "database": {
                            "engine": engine,
                            "member": database.DUMP_NAMES[engine],
                            "server_version": database.server_version(connection),
                        },
                        "migrations": migrations,
                        "signing": signing,
                        "files": files,
                    }
                    _add_bytes(
                        tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                    )
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise BackupError(f"Không ghi được bản sao lưu {target}: {error}") from error
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    _fsync_directory(directory)
    return BackupResult(
        path=target,
        size=target.stat().st_size,
        encrypted=bool(passphrase),
        media_files=len(media),
        signing_files=len(signing),
        manifest=manifest,
    )


def portal_version() -> dict[str, str | None]:
    """The version in pyproject.toml and, in a git checkout, the commit."""
    base = Path(settings.BASE_DIR)
    try:
        with (base / "pyproject.toml").open("rb") as handle:
            version = tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        version = None
    commit = None
    git = shutil.which("git")
    if git and (base / ".git").exists():
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            result = subprocess.run(  # noqa: S603
                [git, "-C", str(base), "rev-parse", "HEAD"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            commit = result.stdout.strip() or None if result.returncode == 0 else None
    return {"version": version, "commit": commit}


def _free_name(directory: Path, name: str) -> Path:
    target = directory / name
    stem, _, suffix = name.partition(".")
    number = 1
    while target.exists() or target.with_name(target.name + ".partial").exists():
        number += 1
        target = directory / f"{stem}-{number}.{suffix}"
    return target


@contextlib.contextmanager
def _writer(handle: BinaryIO, passphrase: str) -> Iterator[tarfile.TarFile]:
    with contextlib.ExitStack() as stack:
        sink: BinaryIO = handle
        if passphrase:
            sink = stack.enter_context(crypto.EncryptingWriter(handle, passphrase))
        compressed = stack.enter_context(
            gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=6, mtime=0)
        )
        tar = stack.enter_context(
            tarfile.open(fileobj=compressed, mode="w|", format=tarfile.PAX_FORMAT)
        )
        yield tar


class _HashingReader:
    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self.digest.update(data)
        return data


def _tarinfo(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o600
    return info


def _add(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    with path.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        reader = _HashingReader(handle)
        tar.addfile(_tarinfo(name, stat.st_size, stat.st_mtime), reader)
    return {"name": name, "size": stat.st_size, "sha256": reader.digest.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    tar.addfile(_tarinfo(name, len(data), timezone.now().timestamp()), io.BytesIO(data))


def _add_media(tar: tarfile.TarFile, media_root: Path) -> list[dict]:
    entries: list[dict] = []
    if not media_root.is_dir():
        return entries
    for folder, subfolders, names in os.walk(media_root):
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            # Symbolic links are not uploads; following them could pull in anything.
            if path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(media_root).as_posix()
            try:
                entries.append(_add(tar, f"media/{relative}", path))
            except FileNotFoundError:
                continue  # removed since the folder was listed (a discarded upload)
    return entries


def _add_signing(tar: tarfile.TarFile, files: list[dict]) -> dict:
    signing = {}
    paths = {"certificate": settings.REPORT_SIGNING_CERT, "key": settings.REPORT_SIGNING_KEY}
    for role, configured in paths.items():
        if not configured:
            continue
        path = Path(configured).resolve()
        entry = _add(tar, f"signing/{role}", path)
        files.append(entry)
        signing[role] = {"member": entry["name"], "path": str(path)}
    return signing


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
