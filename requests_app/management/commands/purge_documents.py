from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from pelayanan.accounts import privacy


class Command(BaseCommand):
    help = (
        "Delete the uploaded files of requests finished, and of complaints closed, more than "
        "DOCUMENT_RETENTION_DAYS ago (the rows keep name, size and SHA-256), and the documents of drafts "
        "untouched that long. Issued letters are never deleted. Runs weekly from Celery beat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be deleted; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        purge = privacy.expired_files() if dry_run else privacy.purge_expired_files()
        verb = "would delete" if dry_run else "deleted"
        # Codes, ids and sizes only: original file names may contain people's names and go to the logs.
        for doc in purge.documents:
            self.stdout.write(f"{verb} document {doc.pk} of {doc.request.code} "
                              f"(finished {timezone.localdate(doc.request.finished_at):%Y-%m-%d}, {doc.size} bytes); row kept")
        for doc in purge.draft_documents:
            self.stdout.write(f"{verb} document {doc.pk} of abandoned draft {doc.request.code} "
                              f"(last change {timezone.localdate(doc.request.updated):%Y-%m-%d}, {doc.size} bytes) with its row")
        for fb in purge.attachments:
            self.stdout.write(f"{verb} attachment of {fb.code} (closed {timezone.localdate(fb.closed_at):%Y-%m-%d}); row kept")
        self.stdout.write(
            f"{purge.total} file(s) {verb}: retention {settings.DOCUMENT_RETENTION_DAYS} days, "
            f"cut-off {timezone.localtime(purge.cutoff):%Y-%m-%d %H:%M %Z}."
        )
