"""`manage.py seed_demo`: demo data for `make run` and for people trying the portal.

Idempotent: every seeder creates or updates the same rows, so running it twice gives the
same database. Seeders run in order, in one transaction; to seed more (requests, feedback),
add a function taking the command to SEEDERS.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pelayanan.accounts import demo


def seed_accounts(command):
    users = demo.seed_accounts()
    command.stdout.write(command.style.MIGRATE_HEADING("Akun demo (semua e-mail sudah terverifikasi):"))
    command.stdout.write(demo.format_logins(users))


def seed_requests(command):
    from requests_app import demo as requests_demo

    made = requests_demo.seed_requests()
    if made:
        command.stdout.write(command.style.MIGRATE_HEADING("Permohonan demo milik pns@demo.test:"))
        for req in made:
            command.stdout.write(f"  {req.code}  {req.service.name}: {req.get_status_display()}")


SEEDERS = [
    seed_accounts,
    seed_requests,
]


class Command(BaseCommand):
    help = "Create or update the demo accounts (one per role) and a few demo requests, and print the logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production", action="store_true",
            help="Seed even when PRODUCTION=true. The demo passwords are public: do not use this on a live portal.",
        )

    def handle(self, *args, allow_production=False, **options):
        if settings.PRODUCTION and not allow_production:
            raise CommandError("Refusing to create demo accounts with published passwords while PRODUCTION=true.")
        try:
            with transaction.atomic():
                for seeder in SEEDERS:
                    seeder(self)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
