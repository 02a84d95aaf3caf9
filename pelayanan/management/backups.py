"""Backups of the portal's two stores: the PostgreSQL database and MEDIA_ROOT (documents and letters).

One backup is one file, backups/pelayanan-<UTC timestamp>.tar, holding

    MANIFEST.json    what is inside, with the SHA-256 of the two parts
    database.dump    pg_dump in the custom format (compressed; restored with pg_restore)
    media.tar.gz     every file under MEDIA_ROOT

The database is dumped first (one consistent snapshot), then the files: every file a dumped row names was
already on disk, so a restore never has a row without its file. The backup is written under a temporary
name and renamed when complete, and is readable by its owner only: it holds personal data.

Restoring checks both hashes before it touches anything, refuses a database that has tables or a media
folder that has files (unless `replace`), creates the database when it does not exist, and restores in one
transaction, so a failed restore leaves the database as it was.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"
MANIFEST_NAME = "MANIFEST.json"


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Database:
    """Where a PostgreSQL database is, as pg_dump/pg_restore and psycopg2 need it."""

    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, db):
        if "postgresql" not in db["ENGINE"]:
            raise BackupError("Backups need PostgreSQL (DATABASE_URL=postgres://...); this database is "
                              f"{db['ENGINE'].rsplit('.', 1)[-1]}.")
        return cls(name=db["NAME"], host=db.get("HOST") or "", port=str(db.get("PORT") or ""),
                   user=db.get("USER") or "", password=db.get("PASSWORD") or "")

    @classmethod
    def from_url(cls, url):
        import environ

        return cls.from_settings(environ.Env.db_url_config(url))

    def env(self):
        """The libpq environment: the password never appears on a command line."""
        env = {**os.environ, "PGDATABASE": self.name}
        for key, value in (("PGHOST", self.host), ("PGPORT", self.port), ("PGUSER", self.user), ("PGPASSWORD", self.password)):
            if value:
                env[key] = value
        return env

    def connect(self, name=None):
        import psycopg2

        return psycopg2.connect(dbname=name or self.name, host=self.host or None, port=self.port or None,
                                user=self.user or None, password=self.password or None, connect_timeout=10)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _run(command, env):
    try:
        out = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).") from exc
    if out.returncode != 0:
        raise BackupError(f"{command[0]} failed ({out.returncode}): {out.stderr.strip()}")
    return out


def create_backup(output_dir, *, database=None, media_root=None, now=None) -> Path:
    """Write one backup file into output_dir and return its path."""
    database = database or Database.from_settings(settings.DATABASES["default"])
    media_root = Path(media_root or settings.MEDIA_ROOT)
    output_dir = Path(output_dir)
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%SZ")
    target = output_dir / f"pelayanan-{stamp}.tar"
    if target.exists():
        raise BackupError(f"{target} already exists.")

    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".partial-") as tmp:
        tmp = Path(tmp)
        dump, media = tmp / DUMP_NAME, tmp / MEDIA_NAME
        _run(["pg_dump", "--format=custom", f"--file={dump}"], database.env())
        files = 0
        with tarfile.open(media, "w:gz") as archive:
            root = tarfile.TarInfo("media")
            root.type, root.mode = tarfile.DIRTYPE, 0o755
            archive.addfile(root)
            if media_root.exists():
                for path in sorted(media_root.rglob("*")):
                    archive.add(path, arcname=f"media/{path.relative_to(media_root)}", recursive=False)
                    files += path.is_file()
        manifest = {
            "format": FORMAT,
            "created_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
            "database": {"file": DUMP_NAME, "name": database.name, "sha256": _sha256(dump)},
            "media": {"file": MEDIA_NAME, "files": files, "sha256": _sha256(media)},
            "migrations": _latest_migrations(),
        }
        (tmp / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")
        partial = tmp / target.name
        with tarfile.open(partial, "w") as bundle:
            for name in (MANIFEST_NAME, DUMP_NAME, MEDIA_NAME):
                bundle.add(tmp / name, arcname=name)
        partial.chmod(0o600)
        os.replace(partial, target)  # same folder: the complete file appears at once, or not at all
    return target


def _latest_migrations():
    latest = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name").order_by("app", "name"):
        latest[app] = name
    return latest


def read_manifest(backup) -> dict:
    try:
        with tarfile.open(backup, "r") as bundle:
            return json.load(bundle.extractfile(MANIFEST_NAME))
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupError(f"{backup} is not a portal backup ({exc.__class__.__name__}).") from exc


def restore_backup(backup, *, database=None, media_root=None, replace=False) -> dict:
    """Restore a backup file into the database and media folder. Returns the manifest."""
    database = database or Database.from_settings(settings.DATABASES["default"])
    media_root = Path(media_root or settings.MEDIA_ROOT)
    manifest = read_manifest(backup)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")

    with tempfile.TemporaryDirectory(prefix="pelayanan-restore-") as tmp:
        tmp = Path(tmp)
        with tarfile.open(backup, "r") as bundle:
            bundle.extractall(tmp, members=[bundle.getmember(n) for n in (DUMP_NAME, MEDIA_NAME)], filter="data")
        for part in ("database", "media"):
            if _sha256(tmp / manifest[part]["file"]) != manifest[part]["sha256"]:
                raise BackupError(f"The {part} part of {backup} does not match its checksum; the file is damaged.")

        # Check both targets before changing either.
        created = _ensure_database(database)
        if not created and not replace and _has_tables(database):
            raise BackupError(f"Database {database.name} already has tables. Restore into a new database, "
                              "or pass --replace to overwrite it.")
        if media_root.exists() and any(media_root.iterdir()) and not replace:
            raise BackupError(f"{media_root} is not empty. Restore into an empty folder, or pass --replace.")

        command = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                   f"--dbname={database.name}", str(tmp / DUMP_NAME)]
        if replace:
            command[1:1] = ["--clean", "--if-exists"]
        _run(command, database.env())

        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tmp / MEDIA_NAME, "r:gz") as archive:
            members = [m for m in archive.getmembers() if m.name.startswith("media/")]
            staging = tmp / "media-staging"
            archive.extractall(staging, members=members, filter="data")
        for path in sorted((staging / "media").rglob("*")):
            destination = media_root / path.relative_to(staging / "media")
            if path.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, destination)
    return manifest


def _ensure_database(database) -> bool:
    """Create the database when it does not exist. True when it was created."""
    import psycopg2
    from psycopg2 import sql

    try:
        database.connect().close()
        return False
    except psycopg2.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise BackupError(f"Cannot connect to database {database.name}: {exc}".strip()) from exc
    conn = database.connect("postgres")
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database.name)))
    finally:
        conn.close()
    return True


def _has_tables(database) -> bool:
    conn = database.connect()
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public')")
            return cursor.fetchone()[0]
    finally:
        conn.close()
