"""Public pages of the feedback app: the IKM survey, Pengaduan & Saran, tracking, and the public suggestions.

Views validate with a form, make one call into workflow.py / ikm.py and redirect (STYLE.md rule 6).
Filing, surveys, tracking and voting are rate-limited per IP (and per account when logged in).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pelayanan import ratelimit
from requests_app.models import Service, ServiceRequest

from . import ikm, workflow
from .forms import FeedbackForm, SurveyForm, TrackForm, verifier_matches
from .models import Feedback, FeedbackEvent, SuggestionSupport

# (limit, window in seconds) per IP and per account. Overridable with settings.FEEDBACK_RATE_LIMITS.
# The walk-in survey allows more per IP because a tablet at the counter is one IP for many visitors.
RATE_LIMITS = {
    "file": {"ip": (10, 3600), "user": (5, 3600)},
    "survey": {"ip": (30, 3600), "user": (10, 3600)},
    "vote": {"ip": (60, 3600), "user": (30, 3600)},
    "track": {"ip": (20, 900), "user": (20, 900)},
}
SESSION_CODES = "feedback_codes"
PUBLIC_ACTIONS = (FeedbackEvent.Action.FILED, FeedbackEvent.Action.STATUS, FeedbackEvent.Action.ANSWERED)


def _within_limit(request, action):
    """Count one attempt of `action`; False when this IP or account used up its allowance."""
    limits = {**RATE_LIMITS[action], **getattr(settings, "FEEDBACK_RATE_LIMITS", {}).get(action, {})}
    allowed = ratelimit.hit(f"feedback:{action}:ip:{ratelimit.client_ip(request)}", *limits["ip"])
    if request.user.is_authenticated:
        allowed = ratelimit.hit(f"feedback:{action}:user:{request.user.pk}", *limits["user"]) and allowed
    return allowed


def _too_many(form):
    form.add_error(None, _("Terlalu banyak percobaan dari perangkat atau akun Anda. Silakan coba lagi nanti."))


def _remember(request, code):
    """Codes this browser proved it may follow (filed here, or looked up with the right contact)."""
    codes = [c for c in request.session.get(SESSION_CODES, []) if c != code]
    request.session[SESSION_CODES] = [code, *codes][:10]


# --- survey (IKM) ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def survey_walk_in(request):
    """/survei/: the survey for visitors served at the counter, with a service picker. A QR code at a
    counter can preselect its service with ?layanan=<slug>."""
    preselected = Service.objects.active().filter(slug=request.GET.get("layanan", "")).first()
    form = SurveyForm(request.POST or None, with_service=True, initial={"service": preselected})
    if request.method == "POST" and form.is_valid():
        if not _within_limit(request, "survey"):
            _too_many(form)
            return render(request, "feedback/survey_form.html", {"form": form}, status=429)
        ikm.record_response(service=form.cleaned_data["service"], scores=form.scores, respondent=form.respondent,
                            suggestion=form.cleaned_data["suggestion"])
        return redirect("feedback:survey_thanks")
    return render(request, "feedback/survey_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def survey_request(request, code, token):
    """The survey link of one finished request (from its page or its last e-mail). No login: the signed
    token is the permission. Once per request."""
    if not ikm.survey_token_valid(code, token):
        raise Http404
    service_request = get_object_or_404(ServiceRequest.objects.select_related("service"), code=code)
    context = {"service_request": service_request}
    if service_request.status not in ikm.SURVEY_STATUSES:
        return render(request, "feedback/survey_unavailable.html", context)
    if ikm.already_answered(service_request):
        return render(request, "feedback/survey_done.html", context)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ikm.record_response(service=service_request.service, scores=form.scores, respondent=form.respondent,
                                suggestion=form.cleaned_data["suggestion"], service_request=service_request)
        except IntegrityError:  # the same survey sent twice at once
            return render(request, "feedback/survey_done.html", context)
        return redirect("feedback:survey_thanks")
    return render(request, "feedback/survey_form.html", {**context, "form": form})


def survey_thanks(request):
    return render(request, "feedback/survey_thanks.html")


# --- Pengaduan & Saran -------------------------------------------------------------------------------


def _contact_initial(user):
    if not user.is_authenticated:
        return {}
    return {"name": user.full_name, "email": user.email, "phone": user.phone}


@require_http_methods(["GET", "POST"])
def feedback_create(request):
    """/pengaduan/: anyone files a complaint (with contact) or a suggestion (anonymous allowed)."""
    if request.method == "POST":
        form = FeedbackForm(request.POST, request.FILES)
        if form.is_valid():
            if not _within_limit(request, "file"):
                _too_many(form)
                return render(request, "feedback/feedback_form.html", {"form": form}, status=429)
            data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
            fb = workflow.file_feedback(**data)
            _remember(request, fb.code)
            request.session["feedback_filed"] = fb.code
            return redirect("feedback:filed")
    else:
        form = FeedbackForm(initial=_contact_initial(request.user))
    return render(request, "feedback/feedback_form.html", {"form": form})


def feedback_filed(request):
    """The thank-you page with the tracking code; the code comes from the session, never the URL."""
    code = request.session.get("feedback_filed")
    fb = Feedback.objects.filter(code=code).first() if code else None
    if fb is None:
        return redirect("feedback:complaint_create")
    return render(request, "feedback/feedback_filed.html", {"feedback": fb})


@require_http_methods(["GET", "POST"])
def track(request):
    """/pengaduan/lacak/: code (+ e-mail or the last 4 digits of the phone when the filer left contact).

    A wrong code and wrong contact give the same message, and every try counts against the IP's limit,
    so the page cannot be used to find out which codes exist.
    """
    if request.method == "GET":
        return render(request, "feedback/track_form.html", {"form": TrackForm(initial={"code": request.GET.get("kode", "")[:20]})})
    form = TrackForm(request.POST)
    if not _within_limit(request, "track"):
        _too_many(form)
        return render(request, "feedback/track_form.html", {"form": form}, status=429)
    if form.is_valid():
        fb = Feedback.objects.filter(code=form.cleaned_data["code"]).first()
        if fb is not None and verifier_matches(fb, form.cleaned_data["verifier"]):
            _remember(request, fb.code)
            return redirect("feedback:track_detail", code=fb.code)
        form.add_error(None, _("Kode lacak atau data verifikasi tidak cocok. Periksa kembali keduanya."))
    return render(request, "feedback/track_form.html", {"form": form})


def track_detail(request, code):
    if code not in request.session.get(SESSION_CODES, []):
        return redirect(f"{reverse('feedback:track')}?{urlencode({'kode': code})}")
    fb = get_object_or_404(Feedback.objects.select_related("tier"), code=code)
    events = fb.events.filter(action__in=PUBLIC_ACTIONS).order_by("created", "pk")
    return render(request, "feedback/track_detail.html", {"feedback": fb, "events": events})


# --- Saran & Tindak Lanjut ---------------------------------------------------------------------------

SORTS = {"terbaru": ("-published_at", "-pk"), "dukungan": ("-support_count", "-published_at", "-pk")}


def suggestion_list(request):
    """/saran/: suggestions the filer allowed to publish and staff published, with the official answer."""
    sort = request.GET.get("urut") if request.GET.get("urut") in SORTS else "terbaru"
    qs = Feedback.objects.published_suggestions().select_related("service").order_by(*SORTS[sort])
    page = Paginator(qs, 10).get_page(request.GET.get("halaman"))
    supported = set()
    if request.user.is_authenticated:
        on_page = [fb.pk for fb in page.object_list]
        supported = set(SuggestionSupport.objects.filter(user=request.user, feedback_id__in=on_page).values_list("feedback_id", flat=True))
    return render(request, "feedback/suggestion_list.html", {"page": page, "sort": sort, "supported": supported})


def suggestion_detail(request, public_id):
    fb = get_object_or_404(Feedback.objects.published_suggestions().select_related("service"), public_id=public_id)
    supported = request.user.is_authenticated and fb.supports.filter(user=request.user).exists()
    return render(request, "feedback/suggestion_detail.html", {"feedback": fb, "supported": supported})


@require_POST
@login_required
def support(request, public_id):
    """One vote per user (unique constraint); POST only, CSRF-protected by the middleware."""
    fb = get_object_or_404(Feedback.objects.published_suggestions(), public_id=public_id)
    if not _within_limit(request, "vote"):
        messages.error(request, _("Terlalu banyak dukungan dari akun atau perangkat Anda. Silakan coba lagi nanti."))
        return redirect("feedback:suggestion_detail", public_id=fb.public_id)
    try:
        created = workflow.support(fb, user=request.user)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("feedback:suggestions")
    if created:
        messages.success(request, _("Terima kasih, dukungan Anda tercatat."))
    else:
        messages.info(request, _("Anda sudah mendukung saran ini."))
    return redirect("feedback:suggestion_detail", public_id=fb.public_id)
