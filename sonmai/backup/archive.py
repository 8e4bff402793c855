"""One archive file holds everything the portal cannot rebuild: the database, the uploaded
files (evidence, directive documents, signed reports) and the commune's signing certificate
and key, with a manifest that lists each file's SHA-256 and the migrations the database had.

The archive is a tar stream, gzip-compressed and, with a passphrase, encrypted chunk by chunk
(``crypto``): nothing is ever held in memory whole. Its members::

    database/sqlite3.db | database/postgresql.dump
    media/<path under MEDIA_ROOT>
    signing/certificate, signing/key
    manifest.json                     (last: it holds the hashes of the others)

A restore unpacks into a staging folder and checks everything first (passphrase, every hash,
the migrations, the dump's readability); only then does it replace the database, the media and
the key, and it checks the hashes of the restored files again afterwards.
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
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from sonmai.backup import crypto, database

FORMAT = "sonmai-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNING_ROLES = ("certificate", "key")
ARCHIVE_NAME = re.compile(r"^sonmai-(\d{8}-\d{6})(?:-\d+)?\.tar\.gz(\.enc)?$")
_COPY_BUFFER = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Vietnamese)."""


# --- Creating a backup ------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    encrypted: bool
    media_files: int
    signing_files: int
    manifest: dict = field(repr=False)


def configured_passphrase() -> str:
    return settings.BACKUP_PASSPHRASE


def archive_name(moment: datetime.datetime, *, encrypted: bool) -> str:
    local = timezone.localtime(moment)
    return f"sonmai-{local:%Y%m%d-%H%M%S}.tar.gz" + (".enc" if encrypted else "")


def archive_time(name: str) -> datetime.datetime | None:
    """When an archive named by ``archive_name`` was made, or None for any other file."""
    match = ARCHIVE_NAME.match(name)
    if not match:
        return None
    naive = datetime.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
    return timezone.make_aware(naive)


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
    passphrase = configured_passphrase() if passphrase is None else passphrase
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
            entries.append(_add(tar, f"media/{relative}", path))
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


# --- Reading and checking a backup ------------------------------------------------------------
@dataclass
class CheckedBackup:
    """An archive unpacked into ``staging`` and found whole; nothing was changed yet."""

    path: Path
    staging: Path
    manifest: dict
    encrypted: bool
    #: Migrations of the code that the backup's database lacks: ``migrate`` after restoring.
    pending_migrations: list[str]

    @property
    def media_entries(self) -> list[dict]:
        return [entry for entry in self.manifest["files"] if entry["name"].startswith("media/")]

    @property
    def created_at(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.manifest["created_at"])


@contextlib.contextmanager
def open_backup(
    path: Path, *, passphrase: str | None = None, using: str = "default"
) -> Iterator[CheckedBackup]:
    """Unpack and check ``path``; the staging folder is removed on leaving the block."""
    path = Path(path)
    passphrase = configured_passphrase() if passphrase is None else passphrase
    try:
        handle = path.open("rb")
    except OSError as error:
        raise BackupError(f"Không mở được tệp sao lưu {path}: {error.strerror}.") from None
    staging = Path(tempfile.mkdtemp(prefix=".sonmai-restore-", dir=_staging_parent()))
    try:
        with handle:
            encrypted = crypto.is_encrypted(handle.read(len(crypto.MAGIC)))
            handle.seek(0)
            if encrypted and not passphrase:
                raise BackupError(
                    "Bản sao lưu này được mã hóa: đặt BACKUP_PASSPHRASE (hoặc "
                    "BACKUP_PASSPHRASE_FILE) là mật khẩu đã dùng khi sao lưu."
                )
            hashes = _unpack(handle, staging, passphrase if encrypted else "")
        manifest = _read_manifest(staging)
        _check_members(manifest, hashes)
        connection = connections[using]
        engine = manifest["database"]["engine"]
        current = database.engine_of(connection)
        if engine != current:
            raise BackupError(
                f"Bản sao lưu là cơ sở dữ liệu {engine}, còn cổng đang dùng {current}: "
                "phải phục hồi vào cùng loại cơ sở dữ liệu."
            )
        pending = _check_migrations(manifest["migrations"])
        try:
            database.check_dump(engine, staging / manifest["database"]["member"])
        except database.DatabaseToolError as error:
            raise BackupError(f"Máy này không đọc được bản sao cơ sở dữ liệu: {error}") from error
        yield CheckedBackup(path, staging, manifest, encrypted, pending)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _staging_parent() -> Path | None:
    """Beside MEDIA_ROOT when possible, so restored files are moved into place, not copied."""
    parent = Path(settings.MEDIA_ROOT).resolve().parent
    return parent if parent.is_dir() and os.access(parent, os.W_OK) else None


_DAMAGED = "Tệp sao lưu bị hỏng, bị cắt cụt hoặc đã bị sửa đổi ({detail}); không phục hồi gì cả."


def _unpack(handle: BinaryIO, staging: Path, passphrase: str) -> dict[str, tuple[int, str]]:
    """Unpack every member into ``staging``; returns each member's size and SHA-256."""
    hashes: dict[str, tuple[int, str]] = {}
    try:
        source: BinaryIO = handle
        if passphrase:
            source = crypto.DecryptingReader(handle, passphrase)
        with (
            gzip.GzipFile(fileobj=source, mode="rb") as plain,
            tarfile.open(fileobj=plain, mode="r|") as tar,
        ):
            for member in tar:
                name = _safe_member_name(member)
                if name in hashes:
                    raise BackupError(_DAMAGED.format(detail=f"{name} có hai lần"))
                target = staging.joinpath(*PurePosixPath(name).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                extracted = tar.extractfile(member)
                with target.open("wb") as out:
                    while chunk := extracted.read(_COPY_BUFFER):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                os.utime(target, (member.mtime, member.mtime))
                hashes[name] = (size, digest.hexdigest())
    except crypto.WrongPassphrase:
        raise BackupError(
            "Sai mật khẩu giải mã bản sao lưu (BACKUP_PASSPHRASE); không phục hồi gì cả."
        ) from None
    except crypto.DamagedArchive as error:
        raise BackupError(_DAMAGED.format(detail=error)) from None
    except (tarfile.TarError, gzip.BadGzipFile, EOFError, zlib.error, OSError) as error:
        raise BackupError(_DAMAGED.format(detail=error)) from None
    return hashes


def _safe_member_name(member: tarfile.TarInfo) -> str:
    """A regular file under one of our folders, with no way out of the staging folder."""
    path = PurePosixPath(member.name)
    allowed = (
        member.isreg()
        and not path.is_absolute()
        and all(part not in {"", ".", ".."} for part in path.parts)
        and (
            member.name == MANIFEST
            or member.name in database.DUMP_NAMES.values()
            or member.name in {f"signing/{role}" for role in SIGNING_ROLES}
            or (path.parts[0] == "media" and len(path.parts) > 1)
        )
    )
    if not allowed:
        raise BackupError(_DAMAGED.format(detail=f"mục lạ {member.name!r}"))
    return member.name


def _read_manifest(staging: Path) -> dict:
    try:
        manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(_DAMAGED.format(detail="thiếu manifest.json")) from None
    except (ValueError, OSError) as error:
        raise BackupError(_DAMAGED.format(detail=f"manifest.json: {error}")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("Đây không phải bản sao lưu của cổng (manifest.json lạ).")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"Bản sao lưu theo định dạng {manifest.get('version')}, mã nguồn này chỉ đọc "
            f"định dạng {FORMAT_VERSION}."
        )
    try:
        shape_ok = (
            isinstance(manifest["created_at"], str)
            and isinstance(manifest["database"]["engine"], str)
            and isinstance(manifest["database"]["member"], str)
            and all(isinstance(names, list) for names in manifest["migrations"].values())
            and all({"name", "size", "sha256"} <= set(entry) for entry in manifest["files"])
            and all(
                role in SIGNING_ROLES and isinstance(entry["member"], str)
                for role, entry in manifest["signing"].items()
            )
        )
    except (KeyError, TypeError, AttributeError):
        shape_ok = False
    if not shape_ok:
        raise BackupError(_DAMAGED.format(detail="manifest.json thiếu mục"))
    return manifest


def _check_members(manifest: dict, hashes: dict[str, tuple[int, str]]) -> None:
    listed = {entry["name"]: (entry["size"], entry["sha256"]) for entry in manifest["files"]}
    found = {name: value for name, value in hashes.items() if name != MANIFEST}
    missing = sorted(set(listed) - set(found))
    extra = sorted(set(found) - set(listed))
    changed = sorted(name for name in set(listed) & set(found) if listed[name] != found[name])
    if missing or extra or changed:
        detail = "; ".join(
            f"{label}: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}"
            for label, names in (("thiếu", missing), ("thừa", extra), ("sai mã băm", changed))
            if names
        )
        raise BackupError(_DAMAGED.format(detail=detail))
    if manifest["database"]["member"] not in listed:
        raise BackupError(_DAMAGED.format(detail="thiếu bản sao cơ sở dữ liệu"))
    if any(entry["member"] not in listed for entry in manifest["signing"].values()):
        raise BackupError(_DAMAGED.format(detail="thiếu chứng thư hoặc khóa ký số"))


def _check_migrations(applied: dict[str, list[str]]) -> list[str]:
    """Refuse a database migrated by newer code; return what the code has that it lacks."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    replaced = {old for migration in loader.disk_migrations.values() for old in migration.replaces}
    known = set(loader.disk_migrations) | replaced
    backup = {(app, name) for app, names in applied.items() for name in names}
    unknown = sorted(f"{app}.{name}" for app, name in backup - known)
    if unknown:
        raise BackupError(
            "Bản sao lưu được tạo bởi phiên bản mã nguồn mới hơn (có migration mà mã nguồn này "
            f"chưa có: {', '.join(unknown)}). Cập nhật mã nguồn rồi phục hồi lại."
        )
    pending = set(loader.disk_migrations) - backup - replaced
    return sorted(f"{app}.{name}" for app, name in pending)


# --- Restoring --------------------------------------------------------------------------------
@dataclass(frozen=True)
class RestoreResult:
    media_files: int
    signing_paths: dict[str, Path]
    pending_migrations: list[str]


def restore_backup(backup: CheckedBackup, *, using: str = "default") -> RestoreResult:
    """Replace the database, the media and the signing key with the checked backup's."""
    manifest = backup.manifest
    try:
        database.load(
            connections[using],
            manifest["database"]["engine"],
            backup.staging / manifest["database"]["member"],
        )
    except database.DatabaseToolError as error:
        raise BackupError(
            f"Không phục hồi được cơ sở dữ liệu (dữ liệu cũ vẫn giữ nguyên): {error}"
        ) from error
    media_root = Path(settings.MEDIA_ROOT)
    _replace_folder(backup.staging / "media", media_root, backup.staging / "old-media")
    signing_paths = {}
    for role, entry in manifest.get("signing", {}).items():
        target = _signing_target(role, entry)
        _put_file(backup.staging / entry["member"], target, mode=0o600 if role == "key" else 0o644)
        signing_paths[role] = target
    _verify_restored(backup, media_root, signing_paths)
    return RestoreResult(len(backup.media_entries), signing_paths, backup.pending_migrations)


def _replace_folder(source: Path, target: Path, trash: Path) -> None:
    """Empty ``target`` (kept itself: it may be a mount point) and move ``source``'s entries
    into it."""
    target.mkdir(parents=True, exist_ok=True)
    trash.mkdir(parents=True, exist_ok=True)
    for entry in list(target.iterdir()):
        shutil.move(entry, trash / entry.name)
    if source.is_dir():
        for entry in list(source.iterdir()):
            shutil.move(entry, target / entry.name)
    shutil.rmtree(trash, ignore_errors=True)


def _signing_target(role: str, entry: dict) -> Path:
    """Where a restored certificate or key goes: over the configured file, or else into
    REPORT_SIGNING_DIR under its old name (never anywhere the archive names: a tampered
    manifest must not choose a path to write to)."""
    configured = (
        settings.REPORT_SIGNING_CERT if role == "certificate" else settings.REPORT_SIGNING_KEY
    )
    if configured:
        return Path(configured)
    name = PurePosixPath(str(entry.get("path", ""))).name
    if not name or name.startswith("."):
        name = f"{role}.pem"
    return Path(settings.REPORT_SIGNING_DIR) / name


def _put_file(source: Path, target: Path, *, mode: int) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(source, temporary)
    os.chmod(temporary, mode)
    os.replace(temporary, target)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_COPY_BUFFER):
            digest.update(chunk)
    return digest.hexdigest()


def _verify_restored(backup: CheckedBackup, media_root: Path, signing: dict[str, Path]) -> None:
    listed = {entry["name"]: entry["sha256"] for entry in backup.manifest["files"]}
    expected = {entry["name"]: entry["sha256"] for entry in backup.media_entries}
    found = {}
    for folder, _subfolders, names in os.walk(media_root):
        for name in names:
            path = Path(folder) / name
            found[f"media/{path.relative_to(media_root).as_posix()}"] = _sha256(path)
    for role, path in signing.items():
        member = backup.manifest["signing"][role]["member"]
        expected[member] = listed[member]
        found[member] = _sha256(path)
    wrong = sorted(
        name for name in set(expected) | set(found) if expected.get(name) != found.get(name)
    )
    if wrong:
        raise BackupError(
            "Đã phục hồi nhưng các tệp sau không khớp mã băm trong bản sao lưu: "
            + ", ".join(wrong[:10])
        )
