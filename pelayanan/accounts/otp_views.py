"""Two-factor pages under /akun/2fa/ (rules in pelayanan/otp.py). Thin: form, one call, message, redirect."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from pelayanan import otp, ratelimit

from .otp_forms import CodeForm, DisableForm
from .views import _safe_next

NEW_CODES_KEY = "pelayanan_2fa_new_codes"  # backup codes shown once, on the page after they were made
DISABLE_LIMIT = (5, 900)  # password attempts to turn two-factor off, per account per quarter hour


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """/akun/2fa/: enrolment (QR code, first code) or, once on, the backup codes and the switch to turn it off."""
    user = request.user
    if otp.has_two_factor(user):  # whoever has it may manage it, also someone who is no longer staff
        return _manage(request, DisableForm(user))
    if not otp.can_enrol(user):
        raise PermissionDenied
    form = CodeForm(request.POST or None)
    status = 200
    if form.is_valid():
        try:
            device, codes = otp.confirm_enrolment(user, form.cleaned_data["code"])
        except otp.VerificationFailed as exc:
            form.add_error("code", exc.message)
            status = 429 if exc.throttled else 200
        else:
            otp.login(request, device)
            request.session[NEW_CODES_KEY] = codes
            messages.success(request, _("Verifikasi dua langkah sudah aktif. Mulai sekarang, setelah kata sandi kami "
                                        "meminta kode dari aplikasi autentikator."))
            return redirect("accounts:otp_backup_codes")
    context = {"form": form, "enrolment": otp.start_enrolment(user), "required": otp.enrolment_required(user)}
    return render(request, "accounts/otp_setup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """/akun/2fa/verifikasi/: the second step of the login. TwoFactorMiddleware sends people here."""
    next_url = _safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))
    if request.user.is_verified() or not otp.has_two_factor(request.user):
        otp.refresh_state(request)
        return redirect(next_url)
    form = CodeForm(request.POST or None, allow_backup=True)
    status = 200
    if form.is_valid():
        try:
            device = otp.verify(request.user, form.cleaned_data["code"])
        except otp.VerificationFailed as exc:
            form.add_error("code", exc.message)
            status = 429 if exc.throttled else 200
        else:
            otp.login(request, device)
            if device.name == otp.BACKUP_DEVICE_NAME:
                left = otp.backup_codes_left(request.user)
                messages.warning(request, ngettext(
                    "Anda masuk dengan kode cadangan. Tersisa %(count)d kode; buat kode baru di halaman verifikasi dua langkah.",
                    "Anda masuk dengan kode cadangan. Tersisa %(count)d kode; buat kode baru di halaman verifikasi dua langkah.",
                    left) % {"count": left})
            return redirect(next_url)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def backup_codes(request):
    """GET shows the codes just made (once); POST replaces all backup codes by new ones."""
    if not otp.has_two_factor(request.user):
        return redirect("accounts:two_factor")
    if request.method == "POST":
        request.session[NEW_CODES_KEY] = otp.new_backup_codes(request.user)
        messages.success(request, _("Kode cadangan baru sudah dibuat. Kode yang lama tidak berlaku lagi."))
        return redirect("accounts:otp_backup_codes")
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not codes:
        return redirect("accounts:two_factor")
    response = render(request, "accounts/otp_backup_codes.html", {"codes": codes})
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def disable(request):
    user = request.user
    if not otp.has_two_factor(user):
        return redirect("accounts:two_factor")
    if not ratelimit.hit(f"2fa-disable:user:{user.pk}", *DISABLE_LIMIT):
        return _manage(request, DisableForm(user), status=429, limited=True)
    form = DisableForm(user, request.POST)
    if not form.is_valid():
        return _manage(request, form)
    otp.disable(user)
    otp.refresh_state(request)
    messages.success(request, _("Verifikasi dua langkah sudah dimatikan, dan kode cadangan Anda dihapus."))
    return redirect("accounts:two_factor")


def _manage(request, form, status=200, limited=False):
    context = {
        "form": form,
        "limited": limited,
        "device": otp.totp_device(request.user),
        "codes_left": otp.backup_codes_left(request.user),
        "required": settings.OTP_REQUIRED_FOR_PRIVILEGED and otp.is_privileged(request.user),
    }
    return render(request, "accounts/otp_manage.html", context, status=status)
