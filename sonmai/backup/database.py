"""Dumping and loading the database with each engine's own tools.

SQLite goes through its online backup API, which copies a consistent snapshot while the portal
keeps writing, and restores the same way into the live connection (so the in-memory database
of the tests and a real file behave alike). PostgreSQL goes through ``pg_dump --format=custom``
and, on restore, ``pg_restore`` writes the dump out as an SQL script that ``psql`` runs in one
transaction after dropping every table: a restore that fails half-way leaves the database as
it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient as PostgresClient
from django.db.migrations.recorder import MigrationRecorder

SQLITE, POSTGRESQL = "sqlite", "postgresql"
DUMP_NAMES = {SQLITE: "database/sqlite3.db", POSTGRESQL: "database/postgresql.dump"}
_TOOL_TIMEOUT = 6 * 3600


class DatabaseToolError(RuntimeError):
    """A database tool failed or is missing; the message says which and why."""


def engine_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor == "sqlite":
        return SQLITE
    if connection.vendor == "postgresql":
        return POSTGRESQL
    raise DatabaseToolError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


def applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    recorder = MigrationRecorder(connection)
    applied: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def server_version(connection: BaseDatabaseWrapper) -> str:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return sqlite3.sqlite_version
    major, minor = divmod(connection.pg_version, 10000)
    return f"{major}.{minor}"


def dump(connection: BaseDatabaseWrapper, destination: Path) -> str:
    """Write a consistent copy of the database to ``destination``; returns the engine."""
    engine = engine_of(connection)
    if connection.in_atomic_block:
        # SQLite's backup would wait forever on its own open transaction, and pg_dump would
        # not see what it has not committed.
        raise DatabaseToolError("The database cannot be backed up inside a transaction.")
    if engine == SQLITE:
        _sqlite_dump(connection, destination)
    else:
        _pg_dump(connection, destination)
    return engine


def check_dump(engine: str, dump_file: Path) -> None:
    """Make sure this machine's tools can read the dump before anything is wiped."""
    if engine == SQLITE:
        with contextlib.closing(_sqlite_open(dump_file)) as source:
            row = source.execute("PRAGMA integrity_check").fetchone()
        if row is None or row[0] != "ok":
            raise DatabaseToolError(f"The SQLite copy fails its integrity check: {row}.")
    else:
        _run([_tool("pg_restore"), "--list", str(dump_file)], env=None)


def load(connection: BaseDatabaseWrapper, engine: str, dump_file: Path) -> None:
    """Replace the whole database with the dump."""
    if engine_of(connection) != engine:
        raise DatabaseToolError(f"A {engine} dump cannot be loaded into {connection.vendor}.")
    if connection.in_atomic_block:
        raise DatabaseToolError("The database cannot be restored inside a transaction.")
    if engine == SQLITE:
        _sqlite_load(connection, dump_file)
    else:
        _pg_load(connection, dump_file)


# --- SQLite ---------------------------------------------------------------------------------
def _sqlite_open(path: Path) -> sqlite3.Connection:
    # The URI form with mode=ro never creates a file and never writes a journal next to it.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _sqlite_dump(connection: BaseDatabaseWrapper, destination: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(destination)
    try:
        connection.connection.backup(target)
        # The copy is a single file: no WAL beside it in the archive.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def _sqlite_load(connection: BaseDatabaseWrapper, dump_file: Path) -> None:
    connection.ensure_connection()
    # WAL mode lives in the file header: keep the live database's mode, whatever the copy says.
    (journal_mode,) = connection.connection.execute("PRAGMA journal_mode").fetchone()
    source = _sqlite_open(dump_file)
    try:
        # One step copies every page under the destination's write lock: other connections
        # wait, then see the restored database; a failure leaves the old one.
        source.backup(connection.connection)
    finally:
        source.close()
    connection.connection.execute(f"PRAGMA journal_mode={journal_mode}")


# --- PostgreSQL -----------------------------------------------------------------------------
def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DatabaseToolError(
            f"{name} was not found; install the PostgreSQL client (Debian: postgresql-client)."
        )
    return found


def _command(connection: BaseDatabaseWrapper, tool: str, parameters: list[str]):
    """``tool`` with the connection's host, port, user and database, and an environment that
    carries the password (only when one is set) and the SSL options."""
    args, env = PostgresClient.settings_to_cmd_args_env(connection.settings_dict, parameters)
    return [_tool(tool), *args[1:]], env


def _run(args: list[str], env: dict[str, str] | None, **kwargs) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(  # noqa: S603 (fixed tools, arguments from the settings)
            args,
            env={**os.environ, **env} if env else None,
            capture_output=True,
            timeout=_TOOL_TIMEOUT,
            check=False,
            **kwargs,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise DatabaseToolError(f"{Path(args[0]).name} failed: {error}") from error
    if result.returncode != 0:
        raise DatabaseToolError(
            f"{Path(args[0]).name} failed: {result.stderr.decode(errors='replace').strip()}"
        )
    return result


def _pg_dump(connection: BaseDatabaseWrapper, destination: Path) -> None:
    args, env = _command(
        connection,
        "pg_dump",
        ["--format=custom", "--no-owner", "--no-privileges", f"--file={destination}"],
    )
    _run(args, env)


def _pg_load(connection: BaseDatabaseWrapper, dump_file: Path) -> None:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    # Our own connection must hold no lock the DROP TABLE below would wait for.
    connection.close()
    quote = connection.ops.quote_name
    statements = ["SET lock_timeout = '60s';"]
    if tables:
        names = ", ".join(quote(table) for table in tables)
        statements.append(f"DROP TABLE IF EXISTS {names} CASCADE;")
    # pg_restore turns the dump into an SQL script (it needs no connection); the script is
    # written out in full first, so a dump that breaks half-way is caught before psql runs it.
    # psql runs the drops and the script in one transaction and stops at the first error.
    script = dump_file.with_name(dump_file.name + ".sql")
    _run(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            f"--file={script}",
            str(dump_file),
        ],
        env=None,
    )
    try:
        args, env = _command(
            connection,
            "psql",
            [
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--command={' '.join(statements)}",
                f"--file={script}",
            ],
        )
        _run(args, env)
    finally:
        script.unlink(missing_ok=True)
