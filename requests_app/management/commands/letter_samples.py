from pathlib import Path

from django.core.management.base import BaseCommand

from requests_app import letters
from requests_app.models import Service

KINDS = {"skk": Service.Kind.EMPLOYMENT_CERTIFICATE, "cuti": Service.Kind.LEAVE, "umum": Service.Kind.GENERAL}


class Command(BaseCommand):
    help = "Render sample letters (made-up people, current wording from the database) to PDF files; writes nothing to the database."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="samples", help="Folder for the PDF files (default: samples).")
        parser.add_argument("--kind", action="append", choices=sorted(KINDS), help="Only these kinds (default: all).")

    def handle(self, *args, out, kind, **options):
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        for name in kind or KINDS:
            path = folder / f"surat-{name}.pdf"
            path.write_bytes(letters.render_pdf(letters.sample_letter(KINDS[name])))
            self.stdout.write(str(path))
