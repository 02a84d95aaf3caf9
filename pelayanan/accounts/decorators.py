"""What an account with an unverified e-mail address may not do yet.

Unverified accounts can log in, edit their profile, change their password and ask for a
new verification link. They cannot file anything the agency will act on and answer by
e-mail (service requests, complaints under their name, votes) until the address is
verified: otherwise letters and notifications would go to an address nobody confirmed.
Views that create such records use @verified_email_required (or the mixin).
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


def _to_verification(request):
    messages.warning(request, _("Verifikasi alamat e-mail Anda terlebih dahulu. Buka tautan yang kami kirim, "
                                "atau minta tautan baru di bawah ini."))
    return redirect(f"{reverse('accounts:verify_notice')}?{urlencode({'next': request.get_full_path()})}")


def verified_email_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.email_verified:
            return _to_verification(request)
        return view(request, *args, **kwargs)

    return wrapper


class VerifiedEmailRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.email_verified:
            return _to_verification(request)
        return super().dispatch(request, *args, **kwargs)
