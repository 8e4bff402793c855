"""Restoring an archive: unpack it into a staging folder and check it whole (passphrase, every
member's SHA-256 against the manifest, the migrations, the dump's readability) before anything
is touched; then replace the database, the media and the signing key, and check the restored
files' hashes again.
"""

from __future__ import annotations

import contextlib
import datetime
import gzip
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from sonmai.backup import crypto, database
from sonmai.backup.archive import (
    COPY_BUFFER,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SIGNING_ROLES,
    BackupError,
)


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
    passphrase = settings.BACKUP_PASSPHRASE if passphrase is None else passphrase
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
                    while chunk := extracted.read(COPY_BUFFER):
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
            and datetime.datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
            and isinstance(manifest["database"]["engine"], str)
            and isinstance(manifest["database"]["member"], str)
            and all(isinstance(names, list) for names in manifest["migrations"].values())
            and all({"name", "size", "sha256"} <= set(entry) for entry in manifest["files"])
            and all(
                role in SIGNING_ROLES and isinstance(entry["member"], str)
                for role, entry in manifest["signing"].items()
            )
        )
    except (KeyError, TypeError, AttributeError, ValueError):
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
            "Không phục hồi được cơ sở dữ liệu; dữ liệu cũ vẫn giữ nguyên, chưa thay đổi gì. "
            f"Dừng web server, worker và beat trước khi phục hồi. Chi tiết: {error}"
        ) from error
    media_root = Path(settings.MEDIA_ROOT)
    signing_paths = {}
    try:
        _replace_folder(backup.staging / "media", media_root, backup.staging / "old-media")
        for role, entry in manifest["signing"].items():
            target = _signing_target(role, entry)
            mode = 0o600 if role == "key" else 0o644
            _put_file(backup.staging / entry["member"], target, mode=mode)
            signing_paths[role] = target
    except OSError as error:
        raise BackupError(
            f"Đã phục hồi cơ sở dữ liệu nhưng không chép được các tệp ({error}). Sửa lỗi rồi "
            "chạy lại lệnh phục hồi với cùng bản sao lưu."
        ) from error
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
        while chunk := handle.read(COPY_BUFFER):
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
