"""``mutu backup`` and ``mutu restore``: an archive restored into a fresh database
gives back every table's rows, the same rollups and the same uploaded files; restore
refuses what it must not overwrite or cannot trust.

The restore runs as a real ``mutu restore`` process against a brand-new database (a
new SQLite file; on PostgreSQL a scratch database of this test's own), so nothing
of the test process's connection state helps it.
"""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from PIL import Image

from mutu.evaluations.services import cycle_open, evaluators_assign, evidence_add
from mutu.ops.backups import MANIFEST, table_counts
from mutu.surveys.models import DailyRollup
from mutu.surveys.services import response_submit
from tests.registry import factories
from tests.surveys.test_paper import form_row, new_job, run, xlsx_bytes

ROLLUP_FIELDS = [f.name for f in DailyRollup._meta.concrete_fields if f.name != "id"]


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _fill(world) -> None:
    """Data on every path that writes files or rollups: API and web responses, a
    paper import (its XLSX under MEDIA_ROOT), evidence (an image under MEDIA_ROOT)."""
    point = factories.point(world.dukcapil, "dukcapil-1")
    for n in range(12):
        response_submit(
            unit=world.dukcapil,
            service=world.ktp,
            point=point if n % 2 else None,
            channel="qr" if n % 2 else "api",
            answers={f"U{i}": 1 + (n + i) % 4 for i in range(1, 10)},
            comment=f"komentar {n} – ramah",
            client_id=uuid.uuid4(),
        )
    run(new_job(world, xlsx_bytes([form_row(), form_row(date(2025, 8, 1))])))
    cycle = cycle_open(
        actor=world.admin,
        year=2025,
        name="PEKPPP 2025",
        scheme="nasional",
        region=world.pesawaran,
        units=[world.dukcapil],
        self_assessment_due=timezone.localdate() + timedelta(days=30),
        verification_due=timezone.localdate() + timedelta(days=60),
    )
    assignment = cycle.assignments.get()
    evaluators_assign(
        actor=world.admin, assignment=assignment, evaluators=[world.evaluator]
    )
    evidence_add(
        actor=world.operator,
        answer=assignment.answers.get(indicator="Q1"),
        description="Foto papan standar pelayanan",
        upload=SimpleUploadedFile("papan.png", png_bytes(), content_type="image/png"),
    )


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _mutu(*args: str, database_url: str, media: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": os.pathsep.join(sys.path),
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media),
    }
    return subprocess.run(
        [sys.executable, "-m", "mutu", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _rollups_here() -> list[tuple]:
    return list(
        DailyRollup.objects.order_by(*ROLLUP_FIELDS).values_list(*ROLLUP_FIELDS)
    )


def _round_trip(world, tmp_path, settings, *, database_url: str, read_restored):
    """Back up the test database, restore it into *database_url* with a fresh
    ``MEDIA_ROOT``, and check counts, rollups and files; *read_restored* runs SQL
    on the restored database."""
    # Given: a filled database and media tree.
    settings.MEDIA_ROOT = tmp_path / "media"
    _fill(world)
    counts = table_counts(connection)
    rollups = _rollups_here()
    files = _files(settings.MEDIA_ROOT)
    assert counts["surveys_response"] == 14
    assert {name.split("/")[0] for name in files} >= {"imports", "evidence"}

    # When: the installation is backed up, then restored elsewhere by a new process.
    archive = tmp_path / "mutu.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    restored_media = tmp_path / "restored-media"
    done = _mutu(
        "restore", str(archive), database_url=database_url, media=restored_media
    )
    assert done.returncode == 0, done.stderr

    # Then: every table has the same rows, the rollups are the same and agree with
    # a rebuild, and every uploaded file came back byte for byte.
    assert read_restored("counts") == counts
    assert read_restored("rollups") == rollups
    check = _mutu(
        "surveys", "rebuild-rollups", "--check",
        database_url=database_url, media=restored_media,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    assert _files(restored_media) == files

    # And: a second restore into the now-filled database is refused without --force
    # and accepted with it.
    again = _mutu(
        "restore", str(archive), database_url=database_url, media=restored_media
    )
    assert again.returncode == 1
    assert "already holds data" in again.stderr
    forced = _mutu(
        "restore",
        str(archive),
        "--force",
        database_url=database_url,
        media=restored_media,
    )
    assert forced.returncode == 0, forced.stderr
    assert read_restored("counts") == counts


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite variant")
def test_sqlite_backup_restores_into_a_fresh_database(world, tmp_path, settings):
    """SQLite: the online backup API's copy, restored into a new file."""
    import sqlite3

    fresh = tmp_path / "fresh" / "mutu.sqlite3"

    def read_restored(what: str):
        db = sqlite3.connect(fresh)
        try:
            if what == "rollups":
                columns = ", ".join(
                    DailyRollup._meta.get_field(f).column for f in ROLLUP_FIELDS
                )
                rows = db.execute(
                    f"SELECT {columns} FROM surveys_dailyrollup ORDER BY {columns}"  # noqa: S608
                ).fetchall()
                return [_typed(row) for row in rows]
            names = [
                r[0]
                for r in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            return _counts(db, names)
        finally:
            db.close()

    _round_trip(
        world,
        tmp_path,
        settings,
        database_url=f"sqlite:///{fresh}",
        read_restored=read_restored,
    )


def _counts(db, names: list[str]) -> dict[str, int]:
    """Rows per table through a DB-API connection to the restored database."""
    query = 'SELECT COUNT(*) FROM "{}"'
    return {name: db.execute(query.format(name)).fetchone()[0] for name in names}


def _typed(row: tuple) -> tuple:
    """SQLite returns dates as text: compare them as Python values."""
    return tuple(
        date.fromisoformat(value)
        if isinstance(value, str) and len(value) == 10 and value[4] == "-"
        else value
        for value in row
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL variant")
def test_postgresql_backup_restores_into_a_fresh_database(world, tmp_path, settings):
    """PostgreSQL: pg_dump's custom format, restored by pg_restore into a new
    database of this test's own, dropped afterwards."""
    import psycopg

    params = connection.settings_dict
    scratch = f"mutu_restore_{uuid.uuid4().hex[:10]}"
    admin_url = (
        f"postgresql://{params['USER']}@{params['HOST'] or '127.0.0.1'}:"
        f"{params['PORT'] or 5432}/postgres"
    )
    if params.get("PASSWORD"):
        admin_url = admin_url.replace("@", f":{params['PASSWORD']}@", 1)
    database_url = admin_url.rsplit("/", 1)[0] + f"/{scratch}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')

    def read_restored(what: str):
        with psycopg.connect(database_url) as db:
            if what == "rollups":
                columns = ", ".join(
                    DailyRollup._meta.get_field(f).column for f in ROLLUP_FIELDS
                )
                return db.execute(
                    f"SELECT {columns} FROM surveys_dailyrollup ORDER BY {columns}"  # noqa: S608
                ).fetchall()
            names = [
                r[0]
                for r in db.execute(
                    # Tables as Django lists them: partitions (the monthly ones of
                    # surveys_response) count in their parent.
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                    "AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
                    "ORDER BY c.relname"
                )
            ]
            return _counts(db, names)

    try:
        _round_trip(
            world,
            tmp_path,
            settings,
            database_url=database_url,
            read_restored=read_restored,
        )
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


# --- refusals, in this process: each stops before anything is written ----------------


def _archive(tmp_path: Path, manifest: dict, members: dict[str, bytes]) -> Path:
    path = tmp_path / "crafted.tar"
    with tarfile.open(path, "w") as archive:
        for name, body in {**members, MANIFEST: json.dumps(manifest).encode()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    return path


def _manifest(vendor: str, sha256: str = "0" * 64) -> dict:
    file = "database.sqlite3" if vendor == "sqlite" else "database.pgdump"
    return {
        "format": "mutu-backup",
        "version": 1,
        "database": {"vendor": vendor, "file": file, "sha256": sha256},
        "tables": {},
    }


def test_restore_refuses_a_file_that_is_not_an_archive(tmp_path, db):
    not_archive = tmp_path / "foto.jpg"
    not_archive.write_bytes(b"\xff\xd8\xff not a tar")
    with pytest.raises(CommandError, match="is not a Mutu backup archive"):
        call_command("restore", str(not_archive))


def test_restore_refuses_an_archive_of_another_database_kind(tmp_path, db):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    path = _archive(tmp_path, _manifest(other), {})
    with pytest.raises(CommandError, match="Restore into the same kind"):
        call_command("restore", str(path))


def test_restore_refuses_a_database_holding_data_without_force(tmp_path, world):
    path = _archive(tmp_path, _manifest(connection.vendor), {})
    with pytest.raises(CommandError, match=r"sudah berisi data.*--force"):
        call_command("restore", str(path))


def test_restore_refuses_a_damaged_dump_before_writing(tmp_path, db, settings):
    """A dump whose checksum differs from the manifest: refused, no media written."""
    settings.MEDIA_ROOT = tmp_path / "media"
    file = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    path = _archive(
        tmp_path,
        _manifest(connection.vendor),
        {file: b"damaged", "media/evidence/x.png": png_bytes()},
    )
    with pytest.raises(CommandError, match="SHA-256 mismatch"):
        call_command("restore", str(path))
    assert not (tmp_path / "media").exists()


def test_backup_never_overwrites_an_archive(tmp_path, db):
    existing = tmp_path / "kemarin.tar"
    existing.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match="backups are never overwritten"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"yesterday's backup"


def test_restore_skips_members_that_would_leave_media_root(tmp_path):
    """An archive naming ``media/../../x`` or a link writes nothing outside."""
    from mutu.ops.backups import _media_target

    root = tmp_path / "media"
    assert _media_target(root, "media/evidence/a.pdf") == root / "evidence" / "a.pdf"
    assert _media_target(root, "media/../../etc/passwd") is None
    assert _media_target(root, "/etc/passwd") is None
    assert _media_target(root, "database.sqlite3") is None
