"""Public transparency pages: services and their Standar Pelayanan, opening hours, performance, open data.

Caching: each page's main content is rendered once per catalogue version (public_cache) and
language and kept in Django's cache; the surrounding layout (log-in state, the logout form's CSRF
token) is rendered per request, so cached content never carries anyone's token. A visitor without a
session or message cookie (shared_page) gets a page with nothing of their own in it (the language
switch needs no token): the whole page is cached, keyed by address and language.
Responses carry an ETag and Last-Modified computed before any rendering, so a revalidation is a
cache lookup and a 304. Those shared pages are sent with `Cache-Control: public, max-age=60,
s-maxage=10` (browsers keep them a minute, the nginx micro-cache of deploy/nginx.conf ten seconds);
every other visitor gets `private`, so no shared cache keeps their page.
"""

import csv
import datetime as dt
import functools
import hashlib

from django import forms
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe

from pelayanan.models import OrganisationUnit
from pelayanan.text import join_words

from . import calendar, hours, pdf_standard, stats
from .charts import bar_chart
from .models import Holiday, LeavePolicy, Service, ServicePledge, ServicePoint
from .public_cache import cached, one_version, public_version, version_timestamp

MAX_AGE = 60  # browsers
SHARED_MAX_AGE = 10  # shared caches (the nginx micro-cache): a change shows there within ten seconds
PAGE_TIMEOUT = MAX_AGE  # whole pages of signed-out visitors in Django's cache (their fragments stay longer)
PAGE_TEMPLATE = "requests_app/public/page.html"
MAX_MONTHS = 36


# ---- caching and conditional GET -------------------------------------------------------------------------

def shared_page(request) -> bool:
    """True when the visitor gets the page everyone gets: no session (so signed out, with no messages kept in a
    session) and no message cookie. deploy/nginx.conf caches on the same test (the cookie names). Also False
    when the answer will set a new CSRF cookie (the visitor sent a malformed one): it must stay private."""
    cookies = request.COOKIES
    return (settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))


def _etag(request, parts) -> str:
    # The page embeds the log-in state (signed in, also the logout form's CSRF token), which follow the Cookie header.
    seed = repr((parts, public_version(), translation.get_language(), request.META.get("HTTP_COOKIE", "")))
    return '"' + hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest() + '"'


def _cache_headers(request, response, *, etag, last_modified):
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    if shared_page(request) and not request.user.is_authenticated:
        patch_cache_control(response, public=True, max_age=MAX_AGE, s_maxage=SHARED_MAX_AGE)
    else:
        patch_cache_control(response, private=True, max_age=0)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def _public_response(request, parts, render_response, last_modified=None):
    """304 when the client's copy is current, else render_response(); both with the caching headers."""
    with one_version():
        etag = _etag(request, parts)
        last_modified = last_modified or version_timestamp(public_version())
        response = get_conditional_response(request, etag=etag, last_modified=last_modified) or render_response()
        return _cache_headers(request, response, etag=etag, last_modified=last_modified)


def _page(request, parts, *, title, template, context, last_modified=None, query=()):
    """A public page whose main content (template) is cached under parts; title() and context() run on a miss only.

    For shared_page visitors the whole page is cached, under parts and the address (the layout links back to
    it), when the query string holds no other parameter than those in `query`, so that made-up parameters
    cannot fill the cache.
    """
    def render_page():
        main = cached(parts, lambda: render_to_string(template, context(), request=request))
        return render(request, PAGE_TEMPLATE, {"title": title() if callable(title) else title, "main": main})

    def render_response():
        if not shared_page(request) or not set(request.GET) <= set(query):
            return render_page()
        html = cached(("page", parts, request.get_full_path()), lambda: render_page().content, PAGE_TIMEOUT, local=True)
        return HttpResponse(html)

    return _public_response(request, parts, render_response, last_modified)


def _params(request, *names):
    return tuple((name, request.GET.get(name, "")[:100]) for name in names)


# ---- data shared with the home page and the footer (pelayanan.context_processors.public_info) ---------------

def active_pledge():
    """The Maklumat Pelayanan in force, as {"text", "signed_by"}, or None."""
    def load():
        pledge = ServicePledge.objects.filter(active=True).order_by("-updated").first()
        return {"text": pledge.text, "signed_by": pledge.signed_by} if pledge else False

    return cached(("pledge",), load) or None


def footer_hours():
    """[(days, hours), ...] of the first service point, e.g. [("Senin–Kamis", "08.00–16.00"), ...]."""
    def load():
        point = ServicePoint.objects.prefetch_related("hours").first()
        return hours.week_summary(hours.weekly_slots(point)) if point else []

    return cached(("footer_hours",), load)


# ---- formatting ----------------------------------------------------------------------------------------------

def format_rupiah(amount: int) -> str:
    """Indonesian money: "Gratis" for 0, else "Rp 25.000"."""
    if not amount:
        return _("Gratis")
    return "Rp " + f"{amount:,}".replace(",", ".")


def format_size(kb: int) -> str:
    if kb >= 1024 and kb % 1024 == 0:
        return f"{kb // 1024} MB"
    if kb >= 1024:
        return f"{kb / 1024:.1f} MB".replace(".", ",")
    return f"{kb} KB"


# ---- services ------------------------------------------------------------------------------------------------

class ServiceFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Cari layanan"), required=False, max_length=100)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit penanggung jawab"), required=False, to_field_name="code",
        queryset=OrganisationUnit.objects.filter(services__active=True).distinct().order_by("name"),
        empty_label=gettext_lazy("Semua unit"),
        error_messages={"invalid_choice": gettext_lazy("Unit tidak ditemukan. Pilih unit dari daftar.")},
    )


def _search(services, form):
    if not form.is_valid():
        return services
    q, unit = form.cleaned_data["q"].strip(), form.cleaned_data["unit"]
    if unit:
        services = services.filter(unit=unit)
    for word in q.split():
        services = services.filter(
            Q(name__icontains=word) | Q(summary__icontains=word) | Q(eligibility__icontains=word)
            | Q(product__icontains=word) | Q(code__iexact=word)
        )
    return services


@require_safe
def service_list(request):
    params = _params(request, "q", "unit")

    def context():
        form = ServiceFilterForm(request.GET or None)
        services = list(_search(Service.objects.active(), form))
        for service in services:
            service.fee_display = format_rupiah(service.fee)
        filtered = bool(form.is_bound and form.is_valid() and (form.cleaned_data["q"] or form.cleaned_data["unit"]))
        return {"form": form, "services": services, "filtered": filtered, "pledge": active_pledge()}

    return _page(request, ("service_list", params), title=_("Layanan & Biaya"),
                 template="requests_app/public/service_list.html", context=context, query=("q", "unit"))


# Who a leave rule's ASN group covers, as the words a list of them is written with (abbreviations, the same
# in both languages).
ASN_GROUP_WORDS = {LeavePolicy.AsnGroup.PNS: ("PNS", "CPNS"), LeavePolicy.AsnGroup.PPPK: ("PPPK",)}


def requirement_groups(service, requirements):
    """The documents to upload; for leave, one group per leave type (each with the documents of all types)."""
    rows = [
        {"req": r, "formats": ", ".join(f.upper() for f in r.format_list), "size": format_size(r.max_size_kb)}
        for r in requirements
    ]
    if not service.is_leave:
        return [{"title": "", "applies_to": "", "rows": rows}]
    groups = {}
    for policy in LeavePolicy.objects.filter(active=True).order_by("asn_group", "order"):
        group = groups.setdefault(policy.code, {"title": policy.name, "asn": [], "years": set()})
        group["asn"].extend(ASN_GROUP_WORDS[policy.asn_group])
        group["years"].add(policy.min_service_years)
    result = []
    for code, group in groups.items():
        applies_to = _("Berlaku untuk: %(groups)s") % {"groups": join_words(group["asn"])}
        if len(group["years"]) == 1 and (years := group["years"].pop()):
            # e.g. cuti besar: a CPNS is listed, but only 5 years of service open it (leave.py _check_service)
            applies_to += "; " + ngettext("masa kerja paling sedikit %(n)s tahun", "masa kerja paling sedikit %(n)s tahun",
                                          years) % {"n": years}
        result.append({
            "title": group["title"],
            "applies_to": applies_to,
            "rows": [row for row in rows if row["req"].applies_to(code)],
        })
    return result


def _active_service(slug):
    return get_object_or_404(Service.objects.active(), slug=slug)


def _standard_context(service):
    """The Standar Pelayanan of one service, for the page and the PDF."""
    return {
        "service": service,
        "fee_display": format_rupiah(service.fee),
        "groups": requirement_groups(service, service.requirements.all()),
        "legal_basis": [line.strip() for line in service.legal_basis.splitlines() if line.strip()],
        "contact_email": service.unit.email or settings.AGENCY_EMAIL,
        "contact_phone": service.unit.phone or settings.AGENCY_PHONE,
        "pledge": active_pledge(),
    }


def _active_slugs() -> set:
    return cached(("active_slugs",), lambda: frozenset(Service.objects.active().values_list("slug", flat=True)), local=True)


@require_safe
@one_version()
def service_detail(request, slug):
    # The service row is read on a cache miss only; which services are active is kept under the catalogue version.
    if slug not in _active_slugs():
        raise Http404
    service = functools.cache(lambda: _active_service(slug))
    return _page(request, ("service_detail", slug), title=lambda: service().name,
                 template="requests_app/public/service_detail.html", context=lambda: _standard_context(service()))


@require_safe
def service_pdf(request, slug):
    service = _active_service(slug)
    page_url = request.build_absolute_uri(reverse("requests_app:service_detail", args=[slug]))
    today = timezone.localdate()  # printed on the page ("dicetak pada"), so part of the keys
    parts = ("service_pdf", slug, page_url, today.isoformat())

    def render_response():
        context = {**_standard_context(service), "AGENCY_NAME": settings.AGENCY_NAME, "page_url": page_url, "generated": today}
        pdf = cached(parts, lambda: pdf_standard.render_standard(context))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="standar-pelayanan-{service.slug}.pdf"'
        return response

    return _public_response(request, parts, render_response)


# ---- opening hours ---------------------------------------------------------------------------------------------

UPCOMING_DAYS = 21
NEXT_YEAR_FROM_MONTH = 10  # the hours page lists next year's holidays from October
CHANGES_WEEKS = 8  # "Perubahan jam layanan": exceptions and holiday closures this far ahead


def _hours_data(today):
    """Everything the hours page shows for `today`, as plain picklable data."""
    points = list(ServicePoint.objects.prefetch_related("hours"))
    ahead = hours.schedules(points, today, max(UPCOMING_DAYS, CHANGES_WEEKS * 7))
    kinds = dict(Holiday.Kind.choices)
    # From October the coming year too: people plan January leave and year-end closures before it starts.
    years = [today.year] + ([today.year + 1] if today.month >= NEXT_YEAR_FROM_MONTH else [])
    data = {"points": [], "holiday_years": []}
    for year in years:
        days = calendar.displayed(calendar.non_working_days(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        data["holiday_years"].append({"year": year, "next": year > today.year, "days": [
            {"date": day, "kind": str(kinds.get(kind, kind)), "name": name, "past": day < today}
            for day, (kind, name) in days.items()
        ]})
    for p in points:
        week = hours.weekly_slots(p)
        data["points"].append({
            "id": p.pk, "name": p.name, "address": p.address, "phone": p.phone,
            "week": [(hours.OpeningHours.Weekday(d).label, slots) for d, slots in week.items()],
            "upcoming": ahead[p.pk][:UPCOMING_DAYS],
            "changes": hours.changes(ahead[p.pk][:CHANGES_WEEKS * 7], week),
        })
    return data


@require_safe
@one_version()
def opening_hours(request):
    now = timezone.now()
    today = timezone.localdate(now, hours.WIB)
    data = cached(("hours_data", today.isoformat()), lambda: _hours_data(today), local=True)
    statuses = {p["id"]: hours.status_at(p["upcoming"], now) for p in data["points"]}
    # Part of the key: the page changes when a counter opens or closes, not only when staff edit the hours.
    state = tuple(sorted((pid, s.open, s.change) for pid, s in statuses.items()))
    parts = ("hours", today.isoformat(), state)
    midnight = dt.datetime.combine(today, dt.time(0), hours.WIB)
    changed = max([midnight] + [s.since for s in statuses.values()])
    last_modified = max(version_timestamp(public_version()), int(changed.timestamp()))

    def context():
        points = [{**p, "status": statuses[p["id"]]} for p in data["points"]]
        return {"points": points, "holiday_years": data["holiday_years"], "today": today, "year": today.year,
                "weekend_note": any(slots for p in data["points"] for label, slots in p["week"][5:])}

    return _page(request, parts, title=_("Jam Layanan"), template="requests_app/public/hours.html",
                 context=context, last_modified=last_modified)


# ---- transparency ------------------------------------------------------------------------------------------------

class MonthField(forms.CharField):
    default_error_messages = {
        "invalid": gettext_lazy("Tulis bulan dengan format TTTT-BB, mis. 2026-01."),
        "too_early": gettext_lazy("Bulan paling awal Januari 2000 (2000-01)."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            day = dt.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if day.year < 2000:
            raise forms.ValidationError(self.error_messages["too_early"], code="too_early")
        return day


class TransparencyFilterForm(forms.Form):
    service = forms.ModelChoiceField(
        label=gettext_lazy("Layanan"), required=False, to_field_name="slug", queryset=Service.objects.active(),
        empty_label=gettext_lazy("Semua layanan"),
        error_messages={"invalid_choice": gettext_lazy("Layanan tidak ditemukan. Pilih layanan dari daftar.")},
    )
    start = MonthField(label=gettext_lazy("Dari bulan"), required=False, widget=forms.TextInput(attrs={"type": "month"}))
    end = MonthField(label=gettext_lazy("Sampai bulan"), required=False, widget=forms.TextInput(attrs={"type": "month"}))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_start, self.default_end = _default_period(today)

    def clean(self):
        data = super().clean()
        start = data.get("start") or self.default_start
        end = data.get("end") or self.default_end
        if start > end and not data.get("end"):  # only a start was given, after this month
            self.add_error("start", _("Bulan awal paling lambat %(month)s.") % {"month": _month_label(end)})
        elif start > end:
            self.add_error("end", _("Bulan akhir harus sama dengan atau setelah bulan awal."))
        elif len(stats.months(start, end)) > MAX_MONTHS:
            self.add_error("start", _("Rentang paling panjang %(n)s bulan.") % {"n": MAX_MONTHS})
        data["start"], data["end"] = start, end
        return data

    def period(self):
        """(service or None, first month, last month): the valid filter, else the defaults."""
        if self.is_valid():
            return self.cleaned_data["service"], self.cleaned_data["start"], self.cleaned_data["end"]
        return None, self.default_start, self.default_end


def _default_period(today):
    """The first and last month shown when the visitor picks none: twelve months up to this one."""
    last = today.replace(day=1)
    return (last - dt.timedelta(days=335)).replace(day=1), last


def _transparency_filter(request):
    form = TransparencyFilterForm(request.GET or None, today=timezone.localdate(timezone.now(), hours.WIB))
    if not form.is_bound:
        form.is_valid()  # unbound forms are never valid: period() falls back to the defaults
    return form


_MONTH_NAMES = [
    gettext_lazy("Januari"), gettext_lazy("Februari"), gettext_lazy("Maret"), gettext_lazy("April"),
    gettext_lazy("Mei"), gettext_lazy("Juni"), gettext_lazy("Juli"), gettext_lazy("Agustus"),
    gettext_lazy("September"), gettext_lazy("Oktober"), gettext_lazy("November"), gettext_lazy("Desember"),
]


def _month_label(month):
    return f"{_MONTH_NAMES[month.month - 1]} {month.year}"


def _short_month(month):
    return f"{str(_MONTH_NAMES[month.month - 1])[:3]} {month:%y}"


def _charts(block):
    months = block["months"]
    labels = [_short_month(m.month) for m in months]
    volume = bar_chart(
        _("Permohonan per bulan: %(service)s") % {"service": block["service"]["name"]}, labels,
        [(_("Diterima"), [m.received for m in months], "bar-received"),
         (_("Selesai"), [m.completed for m in months], "bar-completed")],
    )
    speed = bar_chart(
        _("Median waktu penyelesaian (hari kerja): %(service)s") % {"service": block["service"]["name"]}, labels,
        [(_("Median hari kerja"), [m.median_working_days for m in months], "bar-median")],
        reference=block["service"]["sla_days"],
        reference_label=_("Standar %(n)s hari kerja") % {"n": block["service"]["sla_days"]},
    )
    return volume, speed


def _grade(letter):
    """ "A, Sangat baik" for an IKM grade letter (PermenPANRB 14/2017 category table)."""
    if not letter:
        return ""
    from feedback.ikm import CATEGORIES

    labels = {code: label for _lowest, code, label in CATEGORIES}
    return f"{letter}, {labels[letter]}" if letter in labels else letter


COLUMN_DOCS = {
    "service_code": gettext_lazy("Kode layanan (awalan kode lacak)."),
    "service_slug": gettext_lazy("Pengenal layanan di alamat halaman /layanan/<slug>/."),
    "service_name": gettext_lazy("Nama layanan."),
    "month": gettext_lazy("Bulan kalender (WIB), format TTTT-BB."),
    "sla_working_days": gettext_lazy("Jangka waktu layanan menurut Standar Pelayanan, dalam hari kerja."),
    "received": gettext_lazy("Permohonan yang diajukan pada bulan itu."),
    "completed": gettext_lazy("Permohonan yang suratnya terbit pada bulan itu."),
    "rejected": gettext_lazy("Permohonan yang ditolak pada bulan itu."),
    "median_working_days": gettext_lazy("Median lama penyelesaian permohonan yang selesai pada bulan itu, dalam hari kerja sejak hari pengajuan."),
    "p90_working_days": gettext_lazy("Persentil ke-90 lama penyelesaian (hari kerja): 9 dari 10 permohonan selesai dalam waktu ini atau lebih cepat."),
    "completed_within_sla_pct": gettext_lazy("Persentase permohonan selesai yang terbit paling lambat pada batas waktunya."),
    "ikm": gettext_lazy("Indeks Kepuasan Masyarakat (25–100, PermenPANRB 14/2017)."),
    "ikm_grade": gettext_lazy("Mutu pelayanan menurut IKM: A (Sangat baik), B (Baik), C (Kurang baik), D (Tidak baik)."),
    "ikm_respondents": gettext_lazy("Jumlah responden survei kepuasan."),
    "complaints_received": gettext_lazy("Pengaduan tentang layanan ini yang diterima pada bulan itu."),
    "complaints_resolved_on_time": gettext_lazy("Pengaduan bulan itu yang diselesaikan dalam batas waktu."),
}


@require_safe
@one_version()
def transparency(request):
    if request.GET:
        form = _transparency_filter(request)
        service, first, last = form.period()
    else:  # the page as the menu links it: the default period, and the (empty) form built on a cache miss only
        form = None
        service, (first, last) = None, _default_period(timezone.localdate(timezone.now(), hours.WIB))
    data = stats.monthly_stats(first, last, service)
    generated = int(data["generated_at"].timestamp())
    parts = ("transparency", _params(request, "service", "start", "end"), generated)

    def context():
        filter_form = form or _transparency_filter(request)
        blocks = []
        for block in data["services"]:
            volume, speed = _charts(block)
            rows = [{"label": _month_label(m.month), "f": m, "grade": _grade(m.ikm_grade)} for m in block["months"]]
            blocks.append({**block, "volume": volume, "speed": speed, "rows": rows})
        query = request.GET.urlencode() if filter_form.is_valid() else ""
        return {
            "form": filter_form, "blocks": blocks, "data": data, "first_label": _month_label(first), "last_label": _month_label(last),
            "totals_grade": _grade(data["totals"].ikm_grade),
            "period_start": f"{first:%Y-%m}", "period_end": f"{last:%Y-%m}",  # shown in the empty month fields
            "min_count": stats.MIN_COUNT, "below": stats.MIN_COUNT - 1,
            "columns": [(c, COLUMN_DOCS[c]) for c in stats.COLUMNS], "query": query,
        }

    return _page(request, parts, title=_("Transparansi Kinerja Layanan"), template="requests_app/public/transparency.html",
                 context=context, last_modified=max(generated, version_timestamp(public_version())),
                 query=("service", "start", "end"))


def _open_data(request, build):
    form = _transparency_filter(request)
    if form.is_bound and not form.is_valid():
        if build is _json:  # a program reading the JSON gets its errors as JSON, by parameter
            return JsonResponse({"errors": {name: [str(e) for e in errs] for name, errs in form.errors.items()}},
                                status=400, json_dumps_params={"ensure_ascii": False})
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    service, first, last = form.period()
    data = stats.monthly_stats(first, last, service)
    generated = int(data["generated_at"].timestamp())
    parts = (build.__name__, _params(request, "service", "start", "end"), generated)

    def render_response():
        response = build(data, first, last)
        response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
        return response

    return _public_response(request, parts, render_response, last_modified=max(generated, version_timestamp(public_version())))


def _csv(data, first, last):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transparansi-layanan-{first:%Y-%m}-{last:%Y-%m}.csv"'
    writer = csv.DictWriter(response, fieldnames=stats.COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in stats.open_data_rows(data):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return response


def _json(data, first, last):
    payload = {
        "generated_at": data["generated_at"],
        "first_month": f"{first:%Y-%m}",
        "last_month": f"{last:%Y-%m}",
        "min_count": stats.MIN_COUNT,
        "note": _("null: kurang dari %(n)s permohonan (responden, pengaduan) di balik angka itu, atau belum ada data.") % {"n": stats.MIN_COUNT},
        "columns": {c: str(COLUMN_DOCS[c]) for c in stats.COLUMNS},
        "rows": stats.open_data_rows(data),
    }
    return JsonResponse(payload, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


@require_safe
def transparency_csv(request):
    return _open_data(request, _csv)


@require_safe
def transparency_json(request):
    return _open_data(request, _json)

