from django.core.management.base import BaseCommand

from requests_app.tasks import resend_pending_letters


class Command(BaseCommand):
    help = "Queue again the letters still pending, or stuck with a dead worker, after LETTER_RESEND_AFTER_MINUTES."

    def handle(self, *args, **options):
        queued = resend_pending_letters()
        self.stdout.write(f"{queued} letter(s) queued again.")
