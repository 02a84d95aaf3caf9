"""`manage.py backup` (`make backup`): the database and MEDIA_ROOT in one timestamped file under backups/."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pelayanan.management.backups import BackupError, create_backup, read_manifest


class Command(BaseCommand):
    help = "Back up the database (pg_dump, custom format) and MEDIA_ROOT into one file under backups/."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", default=str(settings.BASE_DIR / "backups"),
                            help="Folder for the backup file (default: backups/ next to manage.py).")

    def handle(self, *args, output_dir, **options):
        try:
            path = create_backup(output_dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = read_manifest(path)
        self.stdout.write(f"{path} ({path.stat().st_size} bytes: database {manifest['database']['name']}, "
                          f"{manifest['media']['files']} files)")
