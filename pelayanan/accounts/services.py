"""Account lifecycle: registration, e-mail verification and profile changes.

Views call these functions with a form's cleaned_data; forms only validate (STYLE.md
rules 6 and 8). E-mails are rendered at once and sent by a Celery task after commit
(pelayanan/emails.py), so a rolled-back registration sends nothing.
"""

from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from pelayanan.emails import send_after_commit
from pelayanan.models import User

from .tokens import email_verification_token

# What a person may set about themselves; e-mail, staff flags, unit and groups are handled apart.
PROFILE_FIELDS = ("full_name", "phone", "nik", "asn_type", "nip", "rank", "position", "work_unit")
RESEND_INTERVAL = 60  # seconds between two verification e-mails to one account


def register(*, email: str, password: str, profile: dict) -> User | None:
    """Create an unverified account, record the privacy consent and send the verification link.

    When the address, the NIK or the NIP already belongs to an account, nothing is created and the
    owner of that account gets an e-mail saying which of them was used. The caller shows the same
    page either way: registration must not reveal who has an account (no user enumeration), and a
    NIK is personal data (UU 27/2022) that a stranger must not be able to test against the register.
    """
    email = email.strip().lower()
    if _tell_existing_owners(email, profile):
        make_password(password)  # spend the hashing time a new account costs, so timing does not tell either
        return None
    try:
        with _unique_numbers(), transaction.atomic():
            user = User(email=email, privacy_consent_at=timezone.now(), **{f: profile[f] for f in PROFILE_FIELDS})
            user.set_password(password)
            user.save()
            send_verification(user)
    except ValidationError:
        # Lost a race with a concurrent registration of the same address or number: treat it as taken.
        if not _tell_existing_owners(email, profile):
            raise
        return None
    return user


def _tell_existing_owners(email: str, profile: dict) -> bool:
    """E-mail the owner of each account holding this address, NIK or NIP; whether there was any."""
    taken = {"email": Q(email__iexact=email)}
    for number in ("nik", "nip"):  # blank numbers (officers, non-ASN citizens) belong to nobody
        if profile.get(number):
            taken[number] = Q(**{number: profile[number]})
    owners = {}
    for kind, match in taken.items():
        for user in User.objects.filter(match):
            owners.setdefault(user, []).append(kind)
    for user, kinds in owners.items():
        _send_account_exists(user, kinds)
    return bool(owners)


def update_profile(user: User, *, data: dict) -> bool:
    """Save a person's own profile. A new e-mail address must be verified again; the old
    address is told about the change. Returns whether the address changed."""
    old_email = user.email
    new_email = data["email"]
    changed = new_email.lower() != old_email.lower()
    try:
        with _unique_numbers(), transaction.atomic():
            for name in PROFILE_FIELDS:
                setattr(user, name, data[name])
            if changed:
                user.email = new_email
                user.email_verified = False
            user.save()
            if changed:
                send_verification(user)
                send_after_commit("account-email-changed", old_email, {"user": user, "new_email": new_email})
    except ValidationError:
        user.refresh_from_db()  # nothing was written; do not keep the refused values in memory either
        raise
    return changed


def verification_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    return settings.SITE_URL + reverse("accounts:verify_email", args=[uid, token])


def send_verification(user: User) -> None:
    send_after_commit("account-verify", user.email, {
        "user": user,
        "verify_url": verification_url(user),
        "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    })


def resend_verification(user: User) -> bool:
    """Send a fresh link unless one went out less than RESEND_INTERVAL ago (then False)."""
    if not cache.add(f"accounts:verify-resend:{user.pk}", 1, RESEND_INTERVAL):
        return False
    send_verification(user)
    return True


def user_from_uidb64(uidb64: str) -> User | None:
    try:
        return User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        return None


def verify_email(user: User) -> User:
    """Mark the address as verified (the person proved they read mail sent to it)."""
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    return user


def axes_username(request, credentials=None) -> str:
    """django-axes lockout key: the e-mail as typed, case-folded, so that Ani@… and ani@…
    count towards one lockout (login itself is case-insensitive)."""
    source = credentials or getattr(request, "data", request.POST)
    # Stored in AccessAttempt.username, a varchar(255): a longer (or NUL-carrying) value typed into the
    # log-in form would otherwise fail the insert and turn a wrong password into a server error.
    return (source.get(settings.AXES_USERNAME_FORM_FIELD) or "").strip().lower().replace("\x00", "")[:254]


def _send_account_exists(user: User, kinds=("email",)) -> None:
    # At most one such e-mail per address per quarter hour, so the form cannot be used to flood an inbox.
    if not cache.add(f"accounts:exists-mail:{user.pk}", 1, 15 * 60):
        return
    send_after_commit("account-exists", user.email, {
        "user": user,
        "by_email": "email" in kinds,
        "by_nik": "nik" in kinds,
        "by_nip": "nip" in kinds,
        "login_url": settings.SITE_URL + reverse("accounts:login"),
        "reset_url": settings.SITE_URL + reverse("accounts:password_reset"),
    })


@contextmanager
def _unique_numbers():
    """The forms check that e-mail, NIK and NIP are free; a concurrent request may still take
    one first. Turn the database's refusal into a message instead of a server error."""
    try:
        yield
    except IntegrityError:
        raise ValidationError(
            _("Alamat e-mail, NIK atau NIP ini baru saja didaftarkan oleh akun lain. Periksa kembali isian Anda."),
            code="taken",
        ) from None
