"""Letter numbers: <kode klasifikasi>/<nomor urut>/<kode unit>/<tahun> (Permendagri 83/2022, DOMAIN.md §3.3).

The sequence restarts each calendar year per classification code. It is taken from a
LetterCounter row locked with SELECT ... FOR UPDATE inside the approval transaction, so
concurrent approvals queue on the lock, and a rolled-back approval gives its number back:
numbers are unique (a database constraint too) and gap-free.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Letter, LetterCounter, random_code


def classification_for(req):
    if req.leave_policy_id:
        return req.leave_policy.classification_code
    return req.service.classification_code or settings.LETTER_DEFAULT_CLASSIFICATION


def next_sequence(classification_code, year):
    """Reserve the next number; must run inside the transaction that issues the letter."""
    assert transaction.get_connection().in_atomic_block, "reserve letter numbers inside a transaction"
    LetterCounter.objects.get_or_create(classification_code=classification_code, year=year)
    counter = LetterCounter.objects.select_for_update().get(classification_code=classification_code, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def format_number(classification_code, sequence, year, *, issued_at=None):
    issued_at = issued_at or timezone.now()
    return settings.LETTER_NUMBER_FORMAT.format(
        kka=classification_code, seq=sequence, unit=settings.LETTER_UNIT_CODE, year=year,
        month_roman=ROMAN[timezone.localtime(issued_at).month],
    )


ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def create_letter(req, *, signer, issued_at):
    """Create the Letter row (pending render) with its number and verification code."""
    year = timezone.localtime(issued_at).year
    code = classification_for(req)
    sequence = next_sequence(code, year)
    return Letter.objects.create(
        request=req, signer=signer, on_behalf_of=req.service.signed_on_behalf_of, issued_at=issued_at,
        classification_code=code, year=year,
        sequence=sequence, number=format_number(code, sequence, year, issued_at=issued_at),
        verification_code=random_code(12),
    )
