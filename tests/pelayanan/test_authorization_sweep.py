"""Authorization sweep (issue 8, item 3): every URL pattern of the project, walked from the resolver.

Each pattern is filled with the real identifiers of objects that belong to a victim citizen (Ani, whose
requests are handled by unit PPI) and requested with GET and POST by three strangers: an anonymous
visitor, another citizen and an officer of another unit (PSDM). Each answer must be a refusal (a redirect
to a log-in page, 400, 403, 404 or 405; for admin object pages also Django admin's "does not exist"
redirect to the admin index) unless the URL is listed below as deliberately open, with the reason.
Whatever the answer, the victim's personal data (NIK, NIP, e-mail, phone, name, the bytes of her files)
and the codes of her objects never appear in it, and nothing of hers changes.

A new URL is covered without touching this file as long as its keyword arguments have a mapping in
`kwarg_values`; a new admin model needs an entry in `admin_object_ids`. Missing ones fail the test.
"""

import datetime as dt
import itertools
import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from feedback import ikm
from feedback import workflow as feedback_workflow
from feedback.forms import CheckedUpload
from feedback.models import ComplaintTier, Feedback, FeedbackEvent, SurveyResponse
from pelayanan import identity
from pelayanan.accounts.tokens import email_verification_token
from pelayanan.models import OrganisationUnit, User
from requests_app import admin as requests_admin
from requests_app.models import (
    Holiday,
    LeavePolicy,
    Letter,
    LetterTemplate,
    ReplyTemplate,
    RequestDocument,
    RequestEvent,
    Service,
    ServicePledge,
    ServicePoint,
    ServiceRequest,
)
from tests.factories import make_approved_request, make_leave_request, make_pdf, make_request

pytestmark = pytest.mark.django_db

DOC_MARKER = "VICTIM-DOCUMENT-BYTES-7Q2X"
LETTER_MARKER = "VICTIM-LETTER-BYTES-4K9M"
ATTACHMENT_MARKER = "VICTIM-ATTACHMENT-BYTES-8P3W"
VICTIM_PHONE = "081377665544"  # the factory gives every persona the same phone; the victim's must be hers alone
REFUSED = {400, 403, 404, 405}
REDIRECTS = {301, 302, 303, 307, 308}

# --- URLs that answer strangers on purpose, with the reason -----------------------------------------------
# Keys are URL names ("namespace:name"); unnamed patterns are keyed by their full route.

PUBLIC = {
    "home": "the home page: agency information only",
    "healthz": "health check for the load balancer: service states, no data",
    "manifest": "the web app manifest: the portal's name, icons and public shortcuts",
    "service_worker": "the service worker script; it stores only the offline page (pelayanan/pwa.py)",
    "offline": "the offline page: fixed text and the agency's contacts, the same for everyone",
    "set_language": "switches the interface language of the caller's own session",
    "accounts:login": "the log-in form (signed-in users are sent on to the home page)",
    "accounts:logout": "ends the caller's own session, if any, and goes home",
    "accounts:privacy_notice": "the privacy notice (UU 27/2022)",
    "accounts:register": "the registration form; for signed-in users a redirect to their own profile",
    "accounts:register_done": "a fixed confirmation text, the same whether or not the address, NIK or NIP was new",
    "accounts:password_reset": "the reset form; the same answer whether or not the address has an account",
    "accounts:password_reset_done": "a fixed confirmation text",
    "accounts:password_reset_confirm": "with a token that is not the victim's it shows only 'link invalid'",
    "accounts:password_reset_complete": "a fixed confirmation text",
    "requests_app:service_list": "Standar Pelayanan: the public service catalogue",
    "requests_app:service_detail": "Standar Pelayanan of one service (PermenPANRB 15/2014 requires it public)",
    "requests_app:service_pdf": "the same Standar Pelayanan as a PDF",
    "requests_app:apply_start": "the service picker; lists services, no one's requests",
    "requests_app:verify_lookup": "the form to type a letter's verification code",
    "requests_app:verify": "the QR code page: whoever holds the letter may check it; the holder's name is masked "
                           "(\"Ani L*****\") and no NIK, NIP, contact or tracking code is shown",
    "requests_app:lookup": "status lookup; needs the tracking code AND the last 4 NIK digits, shows no names",
    "requests_app:hours": "opening hours of the service points",
    "requests_app:transparency": "aggregate performance figures (counts under stats.MIN_COUNT are hidden)",
    "requests_app:transparency_csv": "the same aggregates as open data",
    "requests_app:transparency_json": "the same aggregates as open data",
    "feedback:complaint_create": "anyone may file a complaint or suggestion",
    "feedback:filed": "thank-you page; the code comes from the filer's own session, else a redirect to the form",
    "feedback:track": "the tracking form (code + e-mail or last 4 phone digits)",
    "feedback:track_detail": "without the code proven in this session it redirects to the tracking form, "
                             "echoing only the code that was typed",
    "feedback:suggestions": "suggestions the filer allowed to publish, without name or contact",
    "feedback:suggestion_detail": "one published suggestion, without name or contact (unpublished ones: 404)",
    "feedback:survey": "the walk-in satisfaction survey; anonymous by design",
    "feedback:survey_thanks": "a fixed thank-you text",
    "feedback:survey_request": "the survey link of a finished request: the signed token is the permission; the page "
                               "names the service only (a forged token: 404, see the test below)",
    "admin:login": "the staff log-in form",
    "admin:logout": "ends the caller's own session, if any",
}

SIGNED_IN = {
    "accounts:privacy_export": "the caller's own data as a ZIP (UU 27/2022 right of access)",
    "accounts:privacy_delete": "deletes the caller's own account, with their password",
    "accounts:two_factor": "the caller's own authenticator app",
    "accounts:otp_verify": "the caller's own second log-in step",
    "accounts:otp_backup_codes": "the caller's own backup codes",
    "accounts:otp_disable": "turns off the caller's own two-factor, with their password",
    "accounts:profile": "the caller's own profile",
    "accounts:verify_notice": "the caller's own verification notice",
    "accounts:verify_resend": "re-sends the caller's own verification link",
    "accounts:password_change": "the caller's own password",
    "requests_app:apply": "a fresh application form for the caller (their own data only)",
    "requests_app:leave_length": "JSON length preview for the caller's own leave form",
    "requests_app:my_requests": "the caller's own requests",
    "feedback:support": "any signed-in user may support a published suggestion once (unpublished ones: 404)",
}

# For staff of another unit. Admin object pages of unit-scoped models are refused by design (get_queryset
# uses for_officer); what is listed here is either scoped lists (the body check proves the victim is absent)
# or reference data every officer works with.
STAFF = {
    "admin:index": "the admin home; lists the apps the officer may use",
    "admin:app_list": "one app's model list",
    "admin:jsi18n": "the admin's JavaScript catalogue",
    "admin:password_change": "the officer's own password",
    "admin:password_change_done": "a fixed confirmation text",
    "admin:requests_app_servicerequest_changelist": "the queue, scoped to the officer's unit (for_officer)",
    "admin:requests_app_letter_changelist": "the letter register, scoped to the officer's unit",
    "admin:feedback_feedback_changelist": "complaints and suggestions, scoped to the officer's unit",
    "admin:feedback_surveyresponse_report": "IKM aggregates per service or unit",
}
# Reference data every officer reads (and, for reply templates, shares): whole admin sections.
STAFF_MODELS = {
    "requests_app.service": "the service catalogue (public anyway)",
    "requests_app.replytemplate": "reply templates shared by the officers of every unit",
    "feedback.complainttier": "complaint tiers (deadlines), the same for every unit",
    "feedback.surveyresponse": "anonymous survey answers; the request they came from is never shown",
}


# --- the victim and her objects ----------------------------------------------------------------------------


class Victim:
    """Ani (the applicant persona) and one object of every kind that can be hers."""

    def __init__(self, user, *, signer, atasan):
        user.phone = VICTIM_PHONE
        user.save(update_fields=["phone"])
        self.user = user
        self.submitted = make_request(user)  # surat keterangan kerja: unit PPI
        self.document = RequestDocument.objects.create(
            request=self.submitted, requirement=self.submitted.service.requirements.first(),
            file=ContentFile(make_pdf(DOC_MARKER), name="ijazah.pdf"), original_name="Ijazah Ani.pdf",
            content_type="application/pdf", size=1, sha256="0" * 64, uploaded_by=user,
        )
        RequestEvent.objects.create(request=self.submitted, actor=user, action=RequestEvent.Action.SUBMITTED,
                                    to_status=ServiceRequest.Status.SUBMITTED)
        self.draft = make_request(user, status="draft")
        self.revision = make_request(user, status="revision")
        start = timezone.localdate() + dt.timedelta(days=30)
        self.leave = make_leave_request(user, "tahunan", start, start + dt.timedelta(days=1), status="with_supervisor",
                                        supervisor=atasan)
        self.issued = make_approved_request(user, signer)
        self.letter = Letter.objects.get(request=self.issued)
        self.letter.file.save("surat.pdf", ContentFile(make_pdf(LETTER_MARKER)), save=False)
        self.letter.status = Letter.Status.ISSUED
        self.letter.save()
        ServiceRequest.objects.filter(pk=self.issued.pk).update(status=ServiceRequest.Status.LETTER_ISSUED,
                                                                finished_at=timezone.now())
        self.survey = ikm.record_response(service=self.issued.service, scores=[3] * 9, service_request=self.issued,
                                          respondent={"age_band": "25_34", "sex": "f", "education": "bachelor",
                                                      "occupation": "pns"})
        attachment = ContentFile(make_pdf(ATTACHMENT_MARKER), name="bukti.pdf")
        self.complaint = feedback_workflow.file_feedback(
            kind="complaint", category="time", title="Surat belum terbit",
            text="Permohonan saya sudah lewat batas waktu tetapi surat belum terbit juga.",
            related_code=self.submitted.code, name=user.full_name, email=user.email, phone=user.phone,
            attachment=CheckedUpload(file=attachment, name="bukti.pdf", content_type="application/pdf", size=attachment.size),
        )
        suggestion = {"kind": "suggestion", "category": "online", "title": "Tambah notifikasi WhatsApp",
                      "text": "Mohon pemberitahuan status permohonan juga dikirim lewat WhatsApp.",
                      "name": user.full_name, "email": user.email, "phone": user.phone, "consent_public": True}
        self.published = feedback_workflow.file_feedback(**suggestion)
        Feedback.objects.filter(pk=self.published.pk).update(published=True, published_at=timezone.now())
        self.unpublished = feedback_workflow.file_feedback(**suggestion)
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        axes_row = {"username": user.email, "ip_address": "10.9.8.7", "user_agent": "Firefox", "http_accept": "*/*",
                    "path_info": "/akun/masuk/"}
        self.access_attempt = AccessAttempt.objects.create(**axes_row, get_data="", post_data=f"username={user.email}",
                                                           failures_since_start=1)
        self.access_failure = AccessFailureLog.objects.create(**axes_row)
        self.access_log = AccessLog.objects.create(**axes_row)
        self.otp_devices = {}
        for label in ("otp_totp.TOTPDevice", "otp_static.StaticDevice"):  # staff authenticator apps, backup codes
            if apps.is_installed(label.split(".")[0].replace("otp_", "django_otp.plugins.otp_")):
                model = apps.get_model(label)
                self.otp_devices[model] = model.objects.create(user=user, name="Ponsel Ani", confirmed=True)

    @property
    def requests(self):
        return [self.submitted, self.draft, self.revision, self.leave, self.issued]

    def secrets(self):
        """What no stranger may read: personal data, file bytes, and the codes of her objects."""
        user = self.user
        personal = [user.nik, user.nip, identity.format_nip(user.nip), user.email, user.phone, user.full_name,
                    user.full_name.split(",")[0].split()[-1],  # "Lestari": the verification page shows "Ani L*****"
                    DOC_MARKER, LETTER_MARKER, ATTACHMENT_MARKER]
        codes = [r.code for r in self.requests] + [self.letter.verification_code, self.complaint.code,
                                                   self.unpublished.code, str(self.unpublished.public_id)]
        return [s for s in personal + codes if s]

    def state(self):
        """Everything of hers that a stranger's request could change."""
        user = User.objects.get(pk=self.user.pk)
        return {
            "user": (user.email, user.password, user.email_verified, user.is_active, user.nik, user.nip, user.phone,
                     user.full_name, list(user.groups.values_list("pk", flat=True))),
            "requests": list(ServiceRequest.objects.filter(applicant=user).order_by("pk").values_list(
                "pk", "status", "updated", "assigned_to", "verified_by", "decided_by", "supervisor_decision", "details")),
            "events": RequestEvent.objects.filter(request__applicant=user).count(),
            "documents": list(RequestDocument.objects.filter(request__applicant=user).values_list("pk", "superseded")),
            "letter": list(Letter.objects.filter(pk=self.letter.pk).values_list("status", "revoked_at", "sha256", "attempts")),
            "feedback": list(Feedback.objects.filter(email=user.email).order_by("pk").values_list(
                "pk", "status", "assigned_to", "published", "unit", "updated")),
            "feedback_events": FeedbackEvent.objects.filter(feedback__email=user.email).count(),
            "surveys": SurveyResponse.objects.filter(request__applicant=user).count(),
        }


def kwarg_values(v, attacker):
    """Victim values for each URL keyword argument, by name. A new name needs a line here."""
    return {
        "code": [r.code for r in v.requests] + [v.letter.verification_code, v.complaint.code],
        "pk": [v.document.pk],
        "slug": ["surat-keterangan-kerja", "izin-cuti"],
        "public_id": [v.published.public_id, v.unpublished.public_id, v.complaint.public_id],
        "uidb64": [urlsafe_base64_encode(force_bytes(v.user.pk))],
        "id": [v.user.pk],  # admin: a user's password form
        "name": list(requests_admin.TRANSITIONS),  # admin: the buttons of the request page
        "app_label": sorted({m._meta.app_label for m in admin.site._registry}),
        "url": [f"requests_app/servicerequest/{v.submitted.pk}/change", f"pelayanan/user/{v.user.pk}"],
    }


def route_values(v, attacker):
    """Per-URL overrides where a keyword means something specific (tokens belong to one kind of link)."""
    own = make_request(attacker, status="letter_issued") if attacker else None
    forged_survey = ikm.survey_url_for(own).rstrip("/").split("/")[-1] if own else "forged"
    ct = ContentType.objects.get_for_model
    return {
        # The attacker's own valid tokens with the victim's uid: must not open her account.
        "accounts:verify_email": {"token": [email_verification_token.make_token(attacker) if attacker else "x-y"]},
        "accounts:password_reset_confirm": {"token": [default_token_generator.make_token(attacker) if attacker else "x-y",
                                                      "set-password"]},
        "feedback:survey_request": {"code": [v.issued.code], "token": [forged_survey, ikm.survey_url_for(v.issued).rstrip("/").split("/")[-1]]},
        "admin:view_on_site": {"pairs": [
            {"content_type_id": ct(ServiceRequest).pk, "object_id": v.submitted.pk},
            {"content_type_id": ct(User).pk, "object_id": v.user.pk},
            {"content_type_id": ct(Feedback).pk, "object_id": v.complaint.pk},
        ]},
    }


def admin_object_ids(v):
    """The object each admin model's pages are opened with: the victim's where she owns one. A newly
    registered model needs an entry here."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return {
        ServiceRequest: [v.submitted.pk, v.issued.pk, v.leave.pk],
        Letter: [v.letter.pk],
        Feedback: [v.complaint.pk, v.unpublished.pk],
        SurveyResponse: [v.survey.pk],
        User: [v.user.pk],
        AccessAttempt: [v.access_attempt.pk],
        AccessFailureLog: [v.access_failure.pk],
        AccessLog: [v.access_log.pk],
        OrganisationUnit: [OrganisationUnit.objects.get(code="ppi").pk],
        Group: [Group.objects.get(name="Petugas Layanan").pk],
        Service: [v.submitted.service_id],
        LeavePolicy: [v.leave.leave_policy_id],
        LetterTemplate: [LetterTemplate.objects.order_by("pk").first().pk],
        ReplyTemplate: [ReplyTemplate.objects.order_by("pk").first().pk],
        Holiday: [Holiday.objects.get_or_create(date=dt.date(2026, 8, 17), defaults={"name": "Hari Kemerdekaan"})[0].pk],
        ServicePoint: [ServicePoint.objects.order_by("pk").first().pk],
        ServicePledge: [ServicePledge.objects.order_by("pk").first().pk],
        ComplaintTier: [ComplaintTier.objects.order_by("pk").first().pk],
        **{model: [device.pk] for model, device in v.otp_devices.items()},
    }


# --- walking the resolver ----------------------------------------------------------------------------------

ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def walk(patterns=None, parts=()):
    """Every URLPattern as the chain of resolvers that leads to it, the pattern last."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, (*parts, p))
        elif isinstance(p, URLPattern):
            yield (*parts, p)
        else:  # pragma: no cover - Django has no other kind
            raise AssertionError(f"unknown URL entry {p!r}")


def pattern_key(chain):
    """ "namespace:name" as reverse() spells it, or the full route for unnamed patterns."""
    namespaces = [r.namespace for r in chain[:-1] if isinstance(r, URLResolver) and r.namespace]
    name = chain[-1].name
    return ":".join([*namespaces, name]) if name else route_text(chain)


def route_text(chain):
    return "".join(str(p.pattern) for p in chain)


def kwarg_names(chain):
    names = []
    for p in chain:
        pattern = p.pattern
        names += list(pattern.converters) if isinstance(pattern, RoutePattern) else list(pattern.regex.groupindex)
    return list(dict.fromkeys(names))


def fill(chain, values):
    """The concrete URL of a pattern chain with its keyword arguments replaced by `values`."""
    url = ""
    for p in chain:
        text = str(p.pattern)
        if isinstance(p.pattern, RoutePattern):
            url += ROUTE_PARAM.sub(lambda m: str(values[m["name"]]), text)
        else:  # RegexPattern: plain text once the groups are filled in
            text = REGEX_GROUP.sub(lambda m: str(values[m["name"]]), text)
            url += text.lstrip("^").removesuffix("$").replace("\\", "")
    return "/" + url


def model_of_admin_route(route):
    """The model whose ModelAdmin serves a route such as "admin/pelayanan/user/<path:object_id>/change/", or None."""
    from django.conf import settings

    for model in admin.site._registry:
        if route.startswith(f"{settings.ADMIN_URL}{model._meta.app_label}/{model._meta.model_name}/"):
            return model
    return None


def concrete_urls(v, attacker):
    """[(key, route, url, model)] for every pattern, and the list of patterns that could not be filled."""
    generic, overrides, objects = kwarg_values(v, attacker), route_values(v, attacker), admin_object_ids(v)
    urls, unfillable = [], []
    for chain in walk():
        key, route = pattern_key(chain), route_text(chain)
        names = kwarg_names(chain)
        model = model_of_admin_route(route)
        if model is not None and model not in objects:
            unfillable.append(f"{route}: add the admin model {model._meta.label} to admin_object_ids()")
            continue
        override = overrides.get(key, {})
        if "pairs" in override:
            combos = override["pairs"]
        else:
            choices = {}
            for name in names:
                if name in override:
                    choices[name] = override[name]
                elif name in ("object_id", "pk") and model is not None:
                    choices[name] = objects[model]
                elif name in generic:
                    choices[name] = generic[name]
                else:
                    unfillable.append(f"{route} ({key}): no victim value for <{name}>; add a mapping in kwarg_values() "
                                      "or route_values() of tests/pelayanan/test_authorization_sweep.py")
                    break
            else:
                combos = [dict(zip(choices, combo, strict=True)) for combo in itertools.product(*choices.values())]
            if len(choices) != len(names):
                continue
        for combo in combos:
            url = fill(chain, combo)
            match = resolve(urlsplit(url).path)
            assert match.func == chain[-1].callback or match.route == route, f"{url} does not resolve back to {route}"
            urls.append((key, route, url, model))
    return urls, unfillable


# --- judging one answer -----------------------------------------------------------------------------------


def body_of(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # the test client closes the response at the end
    return response.content


def location(response):
    return urlsplit(response.get("Location", "")).path


def is_login_redirect(response):
    return response.status_code in REDIRECTS and location(response) in (reverse("accounts:login"), reverse("admin:login"))


def judge(persona, key, route, url, model, response):
    """None when the answer is acceptable for this persona, else why not."""
    status = response.status_code
    if status in REFUSED or is_login_redirect(response):
        return None
    if key in PUBLIC:
        return None
    if persona != "anonymous" and key in SIGNED_IN:
        return None
    if persona == "foreign_officer":
        if key in STAFF or (model is not None and model._meta.label_lower in STAFF_MODELS):
            return None
        if model is not None and status in REDIRECTS and location(response) == reverse("admin:index"):
            return None  # Django admin's answer for an object outside the officer's queryset
        if model is not None and status in REDIRECTS and route.endswith("<path:object_id>/"):
            return None  # the bare object URL redirects to its change page, which the sweep opens itself
        if route.endswith("(?P<url>.*)$") and status in REDIRECTS:
            return None  # the admin's catch-all appends a slash; the target is swept itself
    return f"{status} {response.get('Location', '')}".strip()


PERSONAS = ("anonymous", "other_applicant", "foreign_officer")


def sweep(victim, users, *, only=""):
    """Request every filled URL (whose route starts with `only`) as each persona, with GET and POST.
    Returns (problems, unfillable patterns, routes seen, number of requests)."""
    secrets = victim.secrets()
    problems, unfillable_all, seen, count = [], set(), set(), 0
    for persona, user in users.items():
        client = Client(enforce_csrf_checks=False)
        urls, unfillable = concrete_urls(victim, user)
        unfillable_all.update(unfillable)
        cache.clear()  # rate limits count per persona run, not across the whole sweep
        for key, route, url, model in urls:
            if not route.startswith(only):
                continue
            seen.add(route)
            for method in ("get", "post"):
                if user is not None and "_auth_user_id" not in client.session:
                    client.force_login(user)  # a logout URL ended the session
                count += 1
                try:
                    response = getattr(client, method)(url)
                except Exception as exc:  # noqa: BLE001 - a crash is a finding, reported with the others
                    problems.append(f"{persona} {method.upper()} {url}: raised {exc.__class__.__name__}: {exc}")
                    continue
                verdict = judge(persona, key, route, url, model, response)
                if verdict:
                    problems.append(f"{persona} {method.upper()} {url} [{key}]: {verdict}")
                text = body_of(response) + response.get("Location", "").encode()
                for secret in secrets:
                    if secret.encode() in text and secret not in url:
                        problems.append(f"{persona} {method.upper()} {url} [{key}]: shows the victim's {secret!r}")
    return problems, unfillable_all, seen, count


def test_every_url_refuses_strangers_and_never_shows_the_victims_data(
    applicant, other_applicant, foreign_officer, signer, atasan,
):
    victim = Victim(applicant, signer=signer, atasan=atasan)
    before = victim.state()
    users = {"anonymous": None, "other_applicant": other_applicant, "foreign_officer": foreign_officer}
    assert tuple(users) == PERSONAS

    problems, unfillable, seen, count = sweep(victim, users)

    assert not unfillable, "URL patterns the sweep cannot fill:\n" + "\n".join(sorted(unfillable))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    assert victim.state() == before
    # The sweep really walked the project and the admin: a broken walk must not pass silently.
    assert seen == {route_text(chain) for chain in walk()}
    assert {"permohonan/<str:code>/", "verifikasi/<str:code>/", "akun/profil/"} <= seen
    assert any(route.startswith("admin/requests_app/servicerequest/<path:object_id>/tindakan/") for route in seen)
    assert count > 1000


def test_the_sweep_catches_a_leak(applicant, signer, atasan, supervisor, citizen):
    """The judge has teeth: an account that may read every unit, posing as a stranger, is reported, and so is
    a citizen whose own page happened to show the victim's data."""
    victim = Victim(applicant, signer=signer, atasan=atasan)
    problems, _unfillable, _seen, _count = sweep(victim, {"foreign_officer": supervisor}, only="admin/requests_app/servicerequest/")
    change = reverse("admin:requests_app_servicerequest_change", args=[victim.submitted.pk])
    assert any(p.startswith(f"foreign_officer GET {change} ") and "200" in p for p in problems), problems
    assert any(f"shows the victim's {applicant.full_name!r}" in p for p in problems)
    citizen.full_name = applicant.full_name  # a page of the caller's own that shows her name is still a leak
    citizen.save(update_fields=["full_name"])
    problems, *_rest = sweep(victim, {"other_applicant": citizen}, only="akun/profil/")
    assert f"other_applicant GET /akun/profil/ [accounts:profile]: shows the victim's {applicant.full_name!r}" in problems


def test_the_allow_lists_name_only_existing_urls():
    keys = {pattern_key(chain) for chain in walk()}
    stale = (set(PUBLIC) | set(SIGNED_IN) | set(STAFF)) - keys
    assert not stale, f"allow-list entries for URLs that no longer exist: {sorted(stale)}"
    labels = {m._meta.label_lower for m in admin.site._registry}
    assert set(STAFF_MODELS) <= labels


def test_a_survey_link_with_a_forged_token_is_a_404(client, applicant, other_applicant, signer):
    """The survey page is public because its signed token is the permission: another request's token fails."""
    theirs = make_approved_request(applicant, signer)
    ServiceRequest.objects.filter(pk=theirs.pk).update(status=ServiceRequest.Status.LETTER_ISSUED)
    mine = make_request(other_applicant, status="letter_issued")
    my_token = ikm.survey_url_for(mine).rstrip("/").split("/")[-1]
    forged = reverse("feedback:survey_request", args=[theirs.code, my_token])
    assert client.get(forged).status_code == 404
    assert client.post(forged, {}).status_code == 404
    assert client.get(ikm.survey_url_for(theirs)).status_code == 200
