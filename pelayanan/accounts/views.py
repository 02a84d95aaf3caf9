"""Account pages under /akun/. Thin: form, one call into services.py, message, redirect."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from pelayanan import identity, ratelimit
from pelayanan.models import User

from . import services
from .forms import LoginForm, PasswordChangeForm, PasswordResetForm, ProfileForm, RegistrationForm, SetPasswordForm
from .tokens import email_verification_token

# Per client address, on top of django-axes (login, per e-mail and address) and the per-account e-mail
# throttles in forms.py/services.py. Every registration and reset POST counts, valid or not: a registration
# attempt can tell whether a NIK is already registered, so the form must not be usable to test many NIKs.
# Logins count only failures, across all e-mails: one address trying a password on many accounts.
# Generous enough for an office of colleagues behind one address.
RATE_LIMITS = {
    "register": (20, 3600),
    "password_reset": (20, 3600),
    "login": (30, 900),
    # Changing the NIK or NIP of one's own account: a taken number must be refused with a reason, so without a
    # limit an account could be used to test which numbers are registered (UU 27/2022). People rarely need two.
    "identity_change": (5, 24 * 3600),
}


def _limit_key(request, action):
    return f"accounts:{action}:ip:{ratelimit.client_ip(request)}"


def _within_limit(request, action):
    return ratelimit.hit(_limit_key(request, action), *RATE_LIMITS[action])


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    if request.method == "POST" and not _within_limit(request, "register"):
        typed = RegistrationForm(initial={k: v for k, v in request.POST.items() if not k.startswith("password")})
        return render(request, "accounts/register.html", {"form": typed, "limited": True}, status=429)
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.register(email=data["email"], password=data["password1"], profile=data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            for warning in form.warnings:
                messages.warning(request, warning)
            if form.warnings:  # shown after the account exists: say where a typing mistake is put right
                messages.info(request, _("Bila ada angka yang salah ketik, perbaiki di halaman Profil setelah Anda "
                                         "masuk; permohonan memakai data profil."))
            # The same page whether the address was new or already had an account (no enumeration).
            return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


def register_done(request):
    return render(request, "accounts/register_done.html")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    # Bind a fresh copy: the form writes into its instance while validating, request.user stays as stored.
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and _changes_identity_number(request) and not ratelimit.hit(
            f"accounts:identity_change:user:{request.user.pk}", *RATE_LIMITS["identity_change"]):
        # Not validated: what was typed stays in the form, and no answer says whether a number is taken.
        return render(request, "accounts/profile.html", {"form": form, "identity_limited": True}, status=429)
    if form.is_valid():
        try:
            email_changed = services.update_profile(request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Profil Anda sudah disimpan."))
            if email_changed:
                messages.info(request, _("Kami mengirim tautan verifikasi ke %(email)s. Buka tautan itu untuk "
                                         "mengaktifkan alamat baru.") % {"email": request.user.email})
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def _changes_identity_number(request):
    user = request.user
    return any(identity.digits_only(request.POST.get(name, "")) != (getattr(user, name) or "") for name in ("nik", "nip"))


@login_required
def verify_notice(request):
    return render(request, "accounts/verify_notice.html", {"next": _safe_next(request, ""), "valid_days": _valid_days()})


@login_required
@require_POST
def verify_resend(request):
    user = request.user
    if user.email_verified:
        messages.info(request, _("Alamat e-mail Anda sudah terverifikasi."))
    elif services.resend_verification(user):
        messages.success(request, _("Tautan verifikasi baru sudah dikirim ke %(email)s.") % {"email": user.email})
    else:
        messages.warning(request, _("Tautan baru saja dikirim. Tunggu satu menit sebelum meminta lagi, "
                                    "dan periksa juga folder spam."))
    return redirect(_safe_next(request, "accounts:verify_notice"))


@require_http_methods(["GET", "POST"])
def verify_email(request, uidb64, token):
    """GET shows whose address is confirmed; POST confirms it, so that mail scanners that
    open links cannot verify an address on their own."""
    user = services.user_from_uidb64(uidb64)
    if user is None or not email_verification_token.check_token(user, token):
        if user is not None and user == request.user and user.email_verified:
            messages.info(request, _("Alamat e-mail Anda sudah terverifikasi."))
            return redirect("accounts:profile")
        return render(request, "accounts/verify_invalid.html", {"valid_days": _valid_days()}, status=400)
    if request.method == "POST":
        services.verify_email(user)
        messages.success(request, _("Terima kasih, alamat e-mail %(email)s sudah terverifikasi.") % {"email": user.email})
        return redirect("accounts:profile" if request.user == user else "accounts:login")
    return render(request, "accounts/verify_confirm.html", {"account": user})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if ratelimit.is_limited(_limit_key(request, "login"), RATE_LIMITS["login"][0]):
            form = self.get_form_class()(request, initial={"username": request.POST.get("username", "")})
            return self.render_to_response(self.get_context_data(form=form, limited=True), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        _within_limit(self.request, "login")  # count the failure
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default since 5.0); GET answers 405."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Anda sudah keluar."))
        return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:profile")
    success_message = gettext_lazy("Kata sandi Anda sudah diganti.")


class PasswordResetView(auth_views.PasswordResetView):
    """Always answers "if the address has an account, a link is on its way" (no enumeration)."""

    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        if not _within_limit(request, "password_reset"):
            form = self.get_form_class()(initial={"email": request.POST.get("email", "")})
            return self.render_to_response(self.get_context_data(form=form, limited=True), status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "valid_days": _valid_days()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.verify_email(form.user)  # the link was mailed to the address, which proves it is theirs
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


def _valid_days():
    return settings.PASSWORD_RESET_TIMEOUT // 86400


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default
