"""Backups of a whole installation: the database and the uploaded files in one archive.

An archive is a tar file (gzip-compressed when its name ends in ``.gz`` or ``.tgz``)
holding:

- ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``) or
  ``database.sqlite3`` (SQLite: a copy made with SQLite's online backup API, safe
  while the server writes);
- ``media/…``: every file under ``MEDIA_ROOT`` (evidence, field-visit photos, paper
  imports);
- ``manifest.json``: the format, when, from which database vendor, the dump's
  SHA-256, the row count of every table and the media totals. Restore checks the
  dump against it before touching anything and the restored counts after.

On PostgreSQL the counts are taken in the very snapshot ``pg_dump`` dumps
(``pg_export_snapshot``), so they describe the dump exactly while the server keeps
taking submissions. The media tree is walked after the database is dumped: a file is
written before the row naming it commits, so every file the dump refers to is there.

The archive is written under a temporary name and renamed when complete: a backup
cut off half-way never looks like a backup.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor

from mutu.errors import MutuError

FORMAT = "mutu-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
BOOKKEEPING_TABLES = frozenset(
    {"django_migrations", "django_content_type", "auth_permission"}
)
"""Tables ``mutu migrate`` fills by itself: rows there do not make a database
"non-empty" for restore."""
CHUNK = 1024 * 1024
LOCK_TIMEOUT = "60s"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BackupReport:
    path: Path
    archive_bytes: int
    database_bytes: int
    media_files: int
    media_bytes: int
    tables: dict[str, int]


@dataclass(frozen=True)
class RestoreReport:
    tables: dict[str, int]
    media_files: int
    pending_migrations: int


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _quiet(_message: str) -> None:
    """The default progress sink: say nothing."""


@contextmanager
def _database_errors(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """A database that cannot be reached or read is a MutuError with its message."""
    try:
        yield
    except DatabaseError as error:
        raise MutuError(
            f"Basis data {connection.settings_dict.get('NAME')} tidak dapat dipakai: "
            f"{error}",
            f"The database {connection.settings_dict.get('NAME')} cannot be used: "
            f"{error}",
        ) from error


# --- tables -----------------------------------------------------------------------


def table_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows per table of *connection*'s database, every table, sorted by name."""
    counts = {}
    with connection.cursor() as cursor:
        for name in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608 (a table name from introspection, quoted)
            counts[name] = cursor.fetchone()[0]
    return counts


def database_has_data(connection: BaseDatabaseWrapper) -> bool:
    """Whether any table but migrate's own bookkeeping holds a row."""
    return any(
        count
        for name, count in table_counts(connection).items()
        if name not in BOOKKEEPING_TABLES
    )


def pending_migrations(connection: BaseDatabaseWrapper) -> int:
    """How many migrations of the code are not applied to the database."""
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# --- PostgreSQL's client tools ----------------------------------------------------


def _pg_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The libpq environment naming *connection*'s database (the password stays
    off the command line, where any user of the host could read it)."""
    params = connection.settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", params.get("HOST")),
        ("PGPORT", params.get("PORT")),
        ("PGUSER", params.get("USER")),
        ("PGPASSWORD", params.get("PASSWORD")),
        ("PGDATABASE", params.get("NAME")),
        ("PGSSLMODE", (params.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _run_pg_tool(argv: list[str], env: dict[str, str]) -> None:
    """Run pg_dump or pg_restore; a missing tool or a failure is a MutuError."""
    if shutil.which(argv[0]) is None:
        raise MutuError(
            f"{argv[0]} tidak ditemukan: pasang klien PostgreSQL (postgresql-client) "
            f"dengan versi sama atau lebih baru dari servernya.",
            f"{argv[0]} not found: install the PostgreSQL client tools "
            f"(postgresql-client), the server's version or newer.",
        )
    result = subprocess.run(  # noqa: S603 (fixed tool, argv without a shell)
        argv, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = result.stderr.strip()[-2000:]
        raise MutuError(
            f"{argv[0]} gagal (kode {result.returncode}): {detail}",
            f"{argv[0]} failed (code {result.returncode}): {detail}",
        )


# --- backup -----------------------------------------------------------------------


def _dump_postgresql(connection: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    """``pg_dump`` into *target* from a snapshot exported by a repeatable-read
    transaction, and the row counts seen in that same snapshot."""
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = table_counts(connection)
        _run_pg_tool(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--lock-wait-timeout={LOCK_TIMEOUT}",
                f"--file={target}",
            ],
            _pg_env(connection),
        )
    return counts


def _dump_sqlite(
    connection: BaseDatabaseWrapper, target: Path, progress: Progress
) -> dict[str, int]:
    """Copy the database page by page with SQLite's backup API, then count the copy."""
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    shown = [-1]

    def report(_status: int, remaining: int, total: int) -> None:
        quarter = 4 * (total - remaining) // max(total, 1)
        if quarter != shown[0] and total > 4096:
            shown[0] = quarter
            progress(f"  basis data / database: {25 * quarter} %")

    try:
        source.backup(copy, pages=4096, progress=report)
        counts = {}
        names = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        for name in names:
            quoted = connection.ops.quote_name(name)
            counts[name] = copy.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()[0]  # noqa: S608 (a table name from sqlite_master, quoted)
    finally:
        copy.close()
    return counts


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Every regular file under *root* with its archive name (symbolic links are
    skipped: they could point anywhere on the host)."""
    if not root.is_dir():
        return
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(root).as_posix()
            yield path, f"{MEDIA_DIR}/{relative}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _tar_mode(path: Path, write: bool) -> Any:
    compressed = path.name.endswith((".gz", ".tgz"))
    if write:
        return "w:gz" if compressed else "w"
    return "r:*"


def _mutu_version() -> str:
    try:
        return version("mutu")
    except PackageNotFoundError:
        return "unknown"


def _migrations(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The last applied migration of every app: what the restored code must reach."""
    with connection.cursor() as cursor:
        if "django_migrations" not in connection.introspection.table_names(cursor):
            return {}
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return dict(cursor.fetchall())


def backup_create(
    path: Path, *, using: str = DEFAULT_DB_ALIAS, progress: Progress = _quiet
) -> BackupReport:
    """Write the archive of the database *using* and ``MEDIA_ROOT`` to *path*.

    Refuses an existing *path* (a scheduled backup must never overwrite the last
    good one) and a database other than PostgreSQL or SQLite. Raises MutuError
    with the tool's message when the dump fails; nothing is left at *path* then.
    """
    path = Path(path)
    connection = connections[using]
    with _database_errors(connection):
        return _backup_create(path, connection, progress)


def _backup_create(
    path: Path, connection: BaseDatabaseWrapper, progress: Progress
) -> BackupReport:
    vendor = connection.vendor
    if vendor not in DUMP_NAMES:
        raise MutuError(
            f"Basis data {vendor} tidak didukung; hanya PostgreSQL dan SQLite.",
            f"Database {vendor} is not supported; only PostgreSQL and SQLite.",
        )
    if path.exists():
        raise MutuError(
            f"{path} sudah ada; pilih nama lain (cadangan lama tidak ditimpa).",
            f"{path} already exists; choose another name (backups are never "
            f"overwritten).",
        )
    if not path.parent.is_dir():
        raise MutuError(
            f"Folder {path.parent} tidak ada.", f"Folder {path.parent} does not exist."
        )
    partial = path.with_name(f".{path.name}.partial")
    with tempfile.TemporaryDirectory(prefix="mutu-backup-") as scratch:
        dump = Path(scratch) / DUMP_NAMES[vendor]
        progress(f"Basis data / database ({vendor}) …")
        if vendor == "postgresql":
            tables = _dump_postgresql(connection, dump)
        else:
            tables = _dump_sqlite(connection, dump, progress)
        dump_bytes = dump.stat().st_size
        progress(
            f"  {len(tables)} tabel / tables, {sum(tables.values())} baris / rows, "
            f"{_mb(dump_bytes)}"
        )
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "mutu_version": _mutu_version(),
            "database": {
                "vendor": vendor,
                "file": dump.name,
                "bytes": dump_bytes,
                "sha256": _sha256(dump),
            },
            "migrations": _migrations(connection),
            "tables": tables,
        }
        media_root = Path(settings.MEDIA_ROOT)
        progress(f"Berkas unggahan / uploaded files ({media_root}) …")
        media_files = media_bytes = 0
        try:
            with tarfile.open(partial, _tar_mode(path, write=True)) as archive:
                archive.add(dump, arcname=dump.name)
                for file, name in _media_files(media_root):
                    try:
                        archive.add(file, arcname=name, recursive=False)
                    except FileNotFoundError:  # deleted while we walked
                        continue
                    media_files += 1
                    media_bytes += file.stat().st_size
                manifest["media"] = {"files": media_files, "bytes": media_bytes}
                body = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(body)
                info.mtime = int(datetime.now(UTC).timestamp())
                archive.addfile(info, _BytesReader(body))
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        progress(f"  {media_files} berkas / files, {_mb(media_bytes)}")
    size = path.stat().st_size
    progress(f"Arsip / archive: {path} ({_mb(size)})")
    return BackupReport(path, size, dump_bytes, media_files, media_bytes, tables)


class _BytesReader:
    """The file object ``TarFile.addfile`` reads a member's body from."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.body) if size < 0 else self.offset + size
        chunk = self.body[self.offset : end]
        self.offset += len(chunk)
        return chunk


# --- restore ----------------------------------------------------------------------


def _not_an_archive(path: Path, why: str) -> MutuError:
    return MutuError(
        f"{path} bukan arsip cadangan Mutu ({why}).",
        f"{path} is not a Mutu backup archive ({why}).",
    )


@contextmanager
def _open_archive(path: Path) -> Iterator[tuple[tarfile.TarFile, dict[str, Any]]]:
    if not path.is_file():
        raise MutuError(f"{path} tidak ada.", f"{path} does not exist.")
    try:
        archive = tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError) as error:
        raise _not_an_archive(path, "bukan tar / not a tar file") from error
    with archive:
        try:
            member = archive.getmember(MANIFEST)
            handle = archive.extractfile(member)
            manifest = json.loads(handle.read()) if handle else None
        except (KeyError, ValueError, tarfile.TarError, OSError) as error:
            raise _not_an_archive(path, f"{MANIFEST}: {error}") from error
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _not_an_archive(path, f"{MANIFEST}: format")
        if manifest.get("version") != FORMAT_VERSION:
            raise MutuError(
                f"Versi arsip {manifest.get('version')} tidak dikenal versi Mutu ini.",
                f"Archive version {manifest.get('version')} is unknown to this Mutu.",
            )
        yield archive, manifest


def _extract_dump(
    archive: tarfile.TarFile, manifest: dict[str, Any], target: Path, path: Path
) -> None:
    """Copy the dump out of the archive and check its SHA-256 against the manifest."""
    database = manifest.get("database") or {}
    try:
        handle = archive.extractfile(str(database.get("file")))
    except KeyError as error:
        raise _not_an_archive(path, f"{database.get('file')} missing") from error
    if handle is None:
        raise _not_an_archive(path, f"{database.get('file')} is not a file")
    digest = hashlib.sha256()
    with target.open("wb") as out:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != database.get("sha256"):
        raise MutuError(
            f"Isi basis data dalam {path} rusak (SHA-256 tidak cocok).",
            f"The database dump in {path} is damaged (SHA-256 mismatch).",
        )


def _media_target(root: Path, name: str) -> Path | None:
    """Where archive member *name* goes under *root*; ``None`` when it is not a
    plain relative path under ``media/`` (an archive must not write elsewhere)."""
    parts = PurePosixPath(name).parts
    if len(parts) < 2 or parts[0] != MEDIA_DIR or any(p in {"..", ""} for p in parts):
        return None
    target = root.joinpath(*parts[1:])
    if not target.resolve().is_relative_to(root.resolve()):
        return None
    return target


def _restore_media(archive: tarfile.TarFile, root: Path) -> int:
    """Write every regular file under ``media/`` into *root*; links, devices and
    paths leaving *root* are skipped."""
    restored = 0
    for member in archive:
        if not member.isfile():
            continue
        target = _media_target(root, member.name)
        if target is None:
            continue
        handle = archive.extractfile(member)
        if handle is None:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        with partial.open("wb") as out:
            shutil.copyfileobj(handle, out, CHUNK)
        os.replace(partial, target)
        restored += 1
    return restored


def _restore_postgresql(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """``pg_restore`` in one transaction: every table of the dump is dropped if
    present and recreated, or nothing changes. A lock held by a running server
    makes it fail after ``LOCK_TIMEOUT`` instead of waiting for ever.

    ``pg_restore --clean`` cannot drop a partition's inherited primary key before
    its parent's (the monthly partitions of ``surveys_response``,
    :mod:`mutu.surveys.partitions`), so pg_restore writes the SQL and psql runs
    it in one transaction, after dropping the partitioned tables present (with
    their partitions); the ``DROP … IF EXISTS`` of the script then find nothing.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'p' AND NOT c.relispartition "
            "AND n.nspname = current_schema()"
        )
        partitioned = [row[0] for row in cursor.fetchall()]
    connection.close()
    env = _pg_env(connection)
    env["PGOPTIONS"] = (
        f"{env.get('PGOPTIONS', '')} -c lock_timeout={LOCK_TIMEOUT} "
        "-c client_min_messages=warning"
    )
    preamble = "".join(
        f"DROP TABLE IF EXISTS {name} CASCADE;\n" for name in partitioned
    )
    script = [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--file=-",
        str(dump),
    ]
    apply = [
        "psql",
        "--no-psqlrc",
        "--quiet",
        "--single-transaction",
        "--set=ON_ERROR_STOP=1",
        "--output=/dev/null",
        f"--dbname={env['PGDATABASE']}",
    ]
    _run_pg_pipe(script, apply, preamble, env)


def _run_pg_pipe(
    source: list[str], sink: list[str], preamble: str, env: dict[str, str]
) -> None:
    """*preamble*, then the output of *source*, into *sink*'s standard input;
    a missing tool or a failure of either is a MutuError."""
    for argv in (source, sink):
        if shutil.which(argv[0]) is None:
            _run_pg_tool(argv, env)  # words the missing tool
    with (
        tempfile.TemporaryFile() as source_errors,
        tempfile.TemporaryFile() as sink_errors,
    ):
        producer = subprocess.Popen(  # noqa: S603 (fixed tool, argv without a shell)
            source, env=env, stdout=subprocess.PIPE, stderr=source_errors
        )
        consumer = subprocess.Popen(  # noqa: S603 (fixed tool, argv without a shell)
            sink, env=env, stdin=subprocess.PIPE, stderr=sink_errors
        )
        stdout = cast(IO[bytes], producer.stdout)  # both PIPE: never None
        stdin = cast(IO[bytes], consumer.stdin)
        try:
            stdin.write(preamble.encode())
            shutil.copyfileobj(stdout, stdin, CHUNK)
        except BrokenPipeError:
            pass  # the sink stopped on an error: reported below
        finally:
            stdin.close()
            stdout.close()
        results = ((source, producer.wait()), (sink, consumer.wait()))
        for (argv, code), errors in zip(
            results, (source_errors, sink_errors), strict=True
        ):
            if code != 0:
                errors.seek(0)
                detail = errors.read().decode(errors="replace").strip()[-2000:]
                raise MutuError(
                    f"{argv[0]} gagal (kode {code}): {detail}",
                    f"{argv[0]} failed (code {code}): {detail}",
                )


def _restore_sqlite(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """Copy the archived database over the current one with the backup API (which
    replaces every page of the destination, in one go)."""
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def restore_run(
    path: Path,
    *,
    force: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    progress: Progress = _quiet,
) -> RestoreReport:
    """Restore the archive at *path* into the database *using* and ``MEDIA_ROOT``.

    Checks first, changes nothing until all pass: the archive's manifest and dump
    checksum, the vendor (a PostgreSQL dump only into PostgreSQL), and an empty
    database (only migrate's bookkeeping) unless *force*. Then writes the media
    files, replaces the database, clears the cache (rate limits and cached survey
    places of the old data), and compares every table's row count with the
    manifest. Raises MutuError on any refusal or mismatch.
    """
    path = Path(path)
    connection = connections[using]
    if connection.vendor == "sqlite":
        _sqlite_folder_create(connection)
    with _database_errors(connection):
        return _restore_run(path, connection, force, progress)


def _sqlite_folder_create(connection: BaseDatabaseWrapper) -> None:
    """A fresh host has no folder for the SQLite file yet: make it."""
    name = str(connection.settings_dict.get("NAME") or "")
    if name and name != ":memory:" and not name.startswith("file:"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)


def _restore_run(
    path: Path, connection: BaseDatabaseWrapper, force: bool, progress: Progress
) -> RestoreReport:
    with _open_archive(path) as (archive, manifest):
        vendor = (manifest.get("database") or {}).get("vendor")
        if vendor != connection.vendor:
            raise MutuError(
                f"Arsip ini dari basis data {vendor}; basis data tujuan "
                f"{connection.vendor}. Pulihkan ke jenis yang sama.",
                f"This archive comes from a {vendor} database; the target is "
                f"{connection.vendor}. Restore into the same kind.",
            )
        if not force and database_has_data(connection):
            raise MutuError(
                "Basis data tujuan sudah berisi data; pulihkan ke basis data kosong, "
                "atau pakai --force untuk menimpa seluruh isinya.",
                "The target database already holds data; restore into an empty "
                "database, or use --force to replace all of it.",
            )
        with tempfile.TemporaryDirectory(prefix="mutu-restore-") as scratch:
            dump = Path(scratch) / DUMP_NAMES[connection.vendor]
            progress("Memeriksa arsip / checking the archive …")
            _extract_dump(archive, manifest, dump, path)
            media_root = Path(settings.MEDIA_ROOT)
            progress(f"Berkas unggahan / uploaded files → {media_root} …")
            media_files = _restore_media(archive, media_root)
            progress(f"  {media_files} berkas / files")
            progress(f"Basis data / database ({connection.vendor}) …")
            if connection.vendor == "postgresql":
                _restore_postgresql(connection, dump)
            else:
                _restore_sqlite(connection, dump)
    cache.clear()
    tables = table_counts(connection)
    expected = manifest.get("tables") or {}
    differing = sorted(name for name in expected if tables.get(name) != expected[name])
    if differing:
        raise MutuError(
            f"Jumlah baris setelah pemulihan berbeda dari arsip: {', '.join(differing)}.",
            f"Row counts after the restore differ from the archive: "
            f"{', '.join(differing)}.",
        )
    progress(f"  {len(tables)} tabel / tables, {sum(tables.values())} baris / rows")
    return RestoreReport(tables, media_files, pending_migrations(connection))
