"""`manage.py restore FILE` (`make restore FILE=...`): put a backup back into the database and MEDIA_ROOT."""

from django.core.management.base import BaseCommand, CommandError

from pelayanan.management.backups import BackupError, Database, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup`. The database is created when missing; one that has "
            "tables, or a media folder that has files, is refused unless --replace is given.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file, e.g. backups/pelayanan-20261128-010000Z.tar")
        parser.add_argument("--replace", action="store_true",
                            help="Overwrite the existing tables and files (drops the tables the backup holds).")
        parser.add_argument("--database-url", help="Restore into this database instead of DATABASE_URL, "
                            "e.g. a scratch database to check a backup.")
        parser.add_argument("--media-root", help="Restore the files here instead of MEDIA_ROOT.")

    def handle(self, *args, file, replace, database_url, media_root, **options):
        try:
            database = Database.from_url(database_url) if database_url else None
            manifest = restore_backup(file, database=database, media_root=media_root, replace=replace)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {file}: database from {manifest['created_at']}, {manifest['media']['files']} files.")
