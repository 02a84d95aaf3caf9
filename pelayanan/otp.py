"""Two-factor authentication for staff: a code from an authenticator app (TOTP, RFC 6238) after the password.

Built on django-otp (its TOTP and static-token plugins); this module holds our rules, the views in
pelayanan/accounts/otp_views.py only call it.

- Any staff member may turn it on at /akun/2fa/: scan the QR code with an authenticator app (Google
  Authenticator, Microsoft Authenticator, FreeOTP, Aegis...), confirm with the first 6-digit code, and receive
  ten one-time backup codes for the day the phone is lost.
- Once on, a password login is only the first step: until a code is entered at /akun/2fa/verifikasi/ every
  page leads there (TwoFactorMiddleware), the admin included, whichever login page was used.
- Superusers and members of "Pejabat Penandatangan" (they sign letters in the city's name) must have it while
  settings.OTP_REQUIRED_FOR_PRIVILEGED is on (the default in production): without a confirmed device every
  page leads them to the enrolment page first.
- Turning it off needs the password. A superuser can reset a colleague's lost phone by deleting the colleague's
  TOTP device in the admin ("OTP_TOTP").
"""

import math
import time
from base64 import b32encode
from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PRIVILEGED_GROUP = "Pejabat Penandatangan"
BACKUP_CODE_COUNT = 10
STATE_KEY = "pelayanan_2fa"  # in the session: {"totp": bool, "privileged": bool, "at": epoch seconds}
STATE_MAX_AGE = 300  # seconds before the session's copy of the state is read again from the database
DEVICE_NAME = "Aplikasi autentikator"
BACKUP_DEVICE_NAME = "Kode cadangan"

# Pages an account half-way through its login may still open.
OPEN_VIEWS = {"accounts:logout", "admin:logout", "set_language", "healthz"}


class VerificationFailed(Exception):
    """A refused code; the message (Indonesian) is shown next to the field."""

    def __init__(self, message, *, throttled=False):
        super().__init__(message)
        self.message = message
        self.throttled = throttled


# --- who --------------------------------------------------------------------------------------------------


def is_privileged(user) -> bool:
    return user.is_superuser or user.groups.filter(name=PRIVILEGED_GROUP).exists()


def can_enrol(user) -> bool:
    return user.is_authenticated and (user.is_staff or user.is_superuser)


def totp_device(user) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_required(user) -> bool:
    return settings.OTP_REQUIRED_FOR_PRIVILEGED and is_privileged(user) and not has_two_factor(user)


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- enrolment --------------------------------------------------------------------------------------------


@dataclass
class Enrolment:
    """What the enrolment page shows: the QR code and the same secret for typing in by hand."""

    device: TOTPDevice
    qr_data_uri: str = field(init=False)
    secret: str = field(init=False)

    def __post_init__(self):
        url = self.device.config_url
        # Dark modules on white with the quiet zone, so the code scans on a dark page as well.
        self.qr_data_uri = segno.make(url, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")
        self.secret = " ".join(_chunks(_base32(self.device), 4))


def start_enrolment(user) -> Enrolment:
    """The pending (unconfirmed) device of this person, made on first visit and kept until confirmed, so a
    reload shows the same QR code as the one already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return Enrolment(device)


def confirm_enrolment(user, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending device with the first code from the app. Returns the device and fresh backup codes;
    raises VerificationFailed when the code does not match (nothing changes then)."""
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update()
                  .filter(user=user, confirmed=False).order_by("-pk").first())
        if device is None:
            raise VerificationFailed(_("Muat ulang halaman ini untuk mendapatkan kode QR baru."))
        _check_allowed(device)
        confirmed = device.verify_token(_digits(token))  # a wrong code is counted (committed) for throttling
        if confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = new_backup_codes(user)
    if not confirmed:
        raise VerificationFailed(_("Kode tidak cocok. Periksa bahwa jam ponsel Anda tepat, lalu ketik kode "
                                   "yang sedang tampil di aplikasi."))
    return device, codes


def new_backup_codes(user) -> list[str]:
    """Replace the person's backup codes by BACKUP_CODE_COUNT new ones (each works once)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def disable(user) -> None:
    """Remove the authenticator app and the backup codes (the caller has checked the password)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


# --- the second step of the login ---------------------------------------------------------------------------


def verify(user, token: str):
    """Check a 6-digit code from the app, or a backup code. Returns the device that accepted it; raises
    VerificationFailed. Every wrong code doubles the wait before the next try (django-otp's throttling)."""
    token = _digits(token).lower()
    with transaction.atomic():
        if len(token) == 6 and token.isdigit():
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("-pk").first()
        else:
            device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            raise VerificationFailed(_("Kode salah. Ketik 6 angka dari aplikasi autentikator, atau salah satu kode "
                                       "cadangan Anda."))
        _check_allowed(device)
        if device.verify_token(token):
            return device
    raise VerificationFailed(_("Kode salah atau sudah kedaluwarsa. Ketik kode yang sedang tampil di aplikasi "
                               "autentikator, atau salah satu kode cadangan Anda."))


def login(request, device) -> None:
    """Mark this session as verified by `device`, under a new session key (the half-way session's key,
    which may have been seen on the way, stops working)."""
    request.session.cycle_key()
    otp_login(request, device)
    refresh_state(request)


def _check_allowed(device):
    allowed, info = device.verify_is_allowed()
    if not allowed:
        locked_until = (info or {}).get("locked_until") or timezone.now()
        wait = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
        raise VerificationFailed(
            _("Terlalu banyak kode salah. Tunggu %(seconds)d detik, lalu coba lagi.") % {"seconds": wait},
            throttled=True,
        )


# --- the session's view of it ----------------------------------------------------------------------------------


def refresh_state(request, user=None) -> dict:
    user = user or request.user
    state = {"totp": has_two_factor(user), "privileged": is_privileged(user), "at": int(time.time())}
    request.session[STATE_KEY] = state
    return state


def session_state(request) -> dict:
    """Whether the account has an authenticator app and is privileged, as of at most STATE_MAX_AGE ago.
    Kept in the session so that ordinary page views cost no query."""
    state = request.session.get(STATE_KEY)
    if not isinstance(state, dict) or time.time() - state.get("at", 0) > STATE_MAX_AGE:
        state = refresh_state(request)
    return state


@receiver(user_logged_in, dispatch_uid="pelayanan.otp.on_login")
def _on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        refresh_state(request, user)


class TwoFactorMiddleware:
    """After OTPMiddleware and MessageMiddleware. Sends a half-logged-in account (password given, code not yet)
    to the code page, and a privileged account without an authenticator app to the enrolment page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or getattr(user, "is_verified", bool)():
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if view_name in OPEN_VIEWS:
            return None
        state = session_state(request)
        if state["totp"]:
            if view_name == "accounts:otp_verify":
                return None
            return _redirect(request, "accounts:otp_verify")
        if settings.OTP_REQUIRED_FOR_PRIVILEGED and state["privileged"]:
            if view_name == "accounts:two_factor":
                return None
            messages.warning(request, _("Akun Anda wajib memakai verifikasi dua langkah. Pasang aplikasi "
                                        "autentikator di ponsel Anda lalu ikuti langkah di bawah ini."))
            return _redirect(request, "accounts:two_factor")
        return None


def _redirect(request, url_name):
    next_url = request.get_full_path() if request.method == "GET" else request.path
    return redirect_to_login(next_url, login_url=reverse(url_name))


def _digits(token):
    return "".join(token.split())


def _base32(device):
    return b32encode(device.bin_key).decode()


def _chunks(text, size):
    return [text[i:i + size] for i in range(0, len(text), size)]

