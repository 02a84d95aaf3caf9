"""Letter views: the public verification page behind the QR code, and the PDF download.

/verifikasi/<code>/ shows what the register holds about a letter (DOMAIN.md §3.6) and compares an
uploaded PDF with the issued one byte for byte. /permohonan/<code>/surat.pdf serves the issued PDF
to its owner and to officers who may see the request; anyone else gets a 404.
"""

import hashlib

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from pelayanan import ratelimit
from pelayanan.accounts import privacy

from . import letters
from .models import Letter, ServiceRequest

# Looking up codes and comparing uploads, per client IP; generous for people, tight for scripts.
VERIFY_LIMIT, VERIFY_WINDOW = 30, 600
UPLOAD_LIMIT, UPLOAD_WINDOW = 10, 600
MAX_UPLOAD = 5 * 1024 * 1024


class CompareForm(forms.Form):
    pdf = forms.FileField(
        label=gettext_lazy("Berkas PDF surat"),
        help_text=gettext_lazy("Unggah berkas PDF yang Anda terima (paling besar 5 MB) untuk dibandingkan dengan yang tercatat."),
    )

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Berkas lebih besar dari 5 MB. Surat asli dari sistem ini jauh lebih kecil."))
        upload.seek(0)
        if upload.read(5) != b"%PDF-":
            raise forms.ValidationError(_("Berkas ini bukan PDF. Unggah berkas PDF surat yang Anda terima."))
        upload.seek(0)
        return upload


def _sha256(upload):
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def _too_many(request, limit, window, scope):
    return not ratelimit.hit(f"verify:{scope}:{ratelimit.client_ip(request)}", limit=limit, window=window)


def _rate_limited(request):
    return render(request, "requests_app/verify/rate_limited.html", status=429)


@require_GET
def verify_lookup(request):
    """The page printed in the footer note: type the code from a paper copy."""
    code = letters.normalise_code(request.GET.get("kode", ""))
    if code:
        return redirect("requests_app:verify", code=code)
    if "kode" in request.GET:  # "Periksa" pressed with nothing typed
        error = _("Ketik kode verifikasi yang tercetak di samping kode QR pada surat.")
        return render(request, "requests_app/verify/lookup.html", {"error": error}, status=400)
    return render(request, "requests_app/verify/lookup.html")


def _as_printed(letter):
    with translation.override("id"):
        return {"title": letters.letter_title(letter.request), "leave": letters.leave_period(letter.request)}


@require_http_methods(["GET", "POST"])
def verify(request, code):
    if _too_many(request, VERIFY_LIMIT, VERIFY_WINDOW, "page"):
        return _rate_limited(request)
    letter = (Letter.objects.select_related("request__service", "request__applicant", "request__leave_policy", "signer")
              .filter(verification_code=letters.normalise_code(code), status=Letter.Status.ISSUED).first())
    if letter is None:
        return render(request, "requests_app/verify/not_found.html", {"code": code}, status=404)
    form, match = CompareForm(), None
    if request.method == "POST":
        if _too_many(request, UPLOAD_LIMIT, UPLOAD_WINDOW, "upload"):
            return _rate_limited(request)
        form = CompareForm(request.POST, request.FILES)
        if form.is_valid():
            match = _sha256(form.cleaned_data["pdf"]) == letter.sha256
    return render(request, "requests_app/verify/letter.html", {
        "letter": letter,
        # As printed on the letter, which is always Indonesian (marked lang="id" on an English page).
        **_as_printed(letter),
        "holder": letters.mask_name(letter.request.applicant.full_name),
        # An account deleted at its owner's request keeps its letters (law on archives) but no name to show.
        "holder_erased": privacy.is_erased(letter.request.applicant),
        "grouped_code": letters.group_code(letter.verification_code),
        "form": form,
        "match": match,
    }, status=400 if form.is_bound and not form.is_valid() else 200)


@login_required
@require_GET
def letter_pdf(request, code):
    """The issued PDF, for the applicant and for officers who may see the request; 404 for everyone else."""
    letter = Letter.objects.select_related("request__service").filter(
        request__code=code, status=Letter.Status.ISSUED,
    ).first()
    if letter is None or not _may_download(request.user, letter):
        raise Http404(_("Surat tidak ditemukan."))
    response = FileResponse(letter.file.open("rb"), as_attachment=True, filename=letters.download_name(letter),
                            content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response


def _may_download(user, letter):
    req = letter.request
    if req.applicant_id == user.pk:
        return letter.revoked_at is None  # a revoked letter is kept for the record, not handed out again
    return (user.is_staff and user.has_perm("requests_app.view_servicerequest")
            and ServiceRequest.objects.for_officer(user).filter(pk=req.pk).exists())
