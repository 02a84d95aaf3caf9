"""Personal-data pages under /akun/: the privacy notice, "Unduh data saya" and "Hapus akun".

Thin views; what is exported, deleted and kept is decided in privacy.py.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from pelayanan import ratelimit

from . import privacy
from .forms import DeleteAccountForm

EXPORT_LIMIT, EXPORT_WINDOW = 5, 3600  # downloads per account per hour: each one reads every stored file
DELETE_LIMIT, DELETE_WINDOW = 5, 3600  # password tries per account per hour on the deletion form


@require_safe
def notice(request):
    return render(request, "accounts/privacy_policy.html")


@login_required
@require_http_methods(["GET", "POST"])
def export(request):
    """GET explains what the ZIP holds; POST builds and sends it (POST: never fetched by a link preview)."""
    if request.method == "POST":
        if not ratelimit.hit(f"privacy:export:user:{request.user.pk}", EXPORT_LIMIT, EXPORT_WINDOW):
            return render(request, "accounts/privacy_export.html", {"limited": True, "limit": EXPORT_LIMIT}, status=429)
        response = FileResponse(privacy.export_archive(request.user), as_attachment=True,
                                filename=privacy.export_filename(request.user), content_type="application/zip")
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "accounts/privacy_export.html", {"limit": EXPORT_LIMIT})


@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    """GET explains what is deleted and what is kept; POST with the password anonymises the account."""
    user = request.user
    blockers = privacy.deletion_blockers(user)
    posted = request.method == "POST" and not blockers
    form = DeleteAccountForm(request.POST if posted else None, user=user)
    status = 409 if request.method == "POST" and blockers else 200
    limited = posted and not ratelimit.hit(f"privacy:delete:user:{user.pk}", DELETE_LIMIT, DELETE_WINDOW)
    if limited:
        form, status = DeleteAccountForm(user=user), 429
    elif posted and form.is_valid():
        try:
            privacy.delete_account(user, password=form.cleaned_data["password"])
        except privacy.PrivacyError as exc:
            form.add_error(None, str(exc))
        else:
            logout(request)
            messages.success(request, _("Akun Anda sudah dihapus. Terima kasih telah menggunakan layanan kami."))
            return redirect("home")
    if form.errors and status == 200:
        status = 400
    return render(request, "accounts/privacy_delete.html", {
        "form": form, "blockers": blockers, "limited": limited, "open_requests": privacy.open_requests(user),
        "retention_days": settings.DOCUMENT_RETENTION_DAYS,
    }, status=status)
