"""Indeks Kepuasan Masyarakat (IKM) per PermenPANRB 14/2017 (DOMAIN.md §4.2 and Addendum §4.1).

For each of the nine elements (unsur) U1..U9 the NRR (nilai rata-rata) is the sum of the 1-4 scores
divided by the number of respondents. The index is the weighted sum of the NRRs, converted to 25-100 by
multiplying by 25, and falls into a quality category:

    IKM (25-100)      Mutu  Kinerja unit
    25.00 - 64.99     D     Tidak baik
    65.00 - 76.60     C     Kurang baik
    76.61 - 88.30     B     Baik
    88.31 - 100.00    A     Sangat baik

Weighting. All nine elements weigh the same. We use the exact weight 1/9, so the index is simply
mean(NRR) x 25 and a unanimous "4" gives 100.00. The regulation's worked example prints the weight
rounded (0.111, elsewhere 0.11), which gives slightly lower values because the nine weights then add up
to 0.999 (or 0.99); `IkmResult.ikm_0111` reports that variant for comparison with older reports, and
`weighted_index(nrr, weight)` takes any weight. The DOMAIN.md source pair 91.48 vs 90.56 is the exact
weight vs 0.11 (see tests/feedback/test_ikm.py for a respondent set that reproduces it).

Arithmetic is exact (fractions) until the end; values are rounded half-up to 2 decimals for the index
and 4 for NRRs. The category is read from the rounded index, because the table's intervals are given to
2 decimals (64.99 | 65.00): 64.994 rounds to 64.99 (D), 64.995 to 65.00 (C).
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from .models import SurveyResponse

WEIGHT_EXACT = Fraction(1, 9)
WEIGHT_PRINTED = Fraction(111, 1000)  # "0,111" as printed in the regulation's example
CONVERSION = 25


@dataclass(frozen=True)
class Element:
    code: str
    field: str
    title: str
    question: str
    labels: tuple  # the wording of scores 1, 2, 3 and 4


# The questions and answer wording follow the sample questionnaire in the Lampiran of PermenPANRB 14/2017.
ELEMENTS = (
    Element("U1", "u1", _("Persyaratan"),
            _("Bagaimana pendapat Anda tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"),
            (_("Tidak sesuai"), _("Kurang sesuai"), _("Sesuai"), _("Sangat sesuai"))),
    Element("U2", "u2", _("Sistem, mekanisme, dan prosedur"),
            _("Bagaimana pemahaman Anda tentang kemudahan prosedur pelayanan di unit ini?"),
            (_("Tidak mudah"), _("Kurang mudah"), _("Mudah"), _("Sangat mudah"))),
    Element("U3", "u3", _("Waktu penyelesaian"),
            _("Bagaimana pendapat Anda tentang kecepatan waktu dalam memberikan pelayanan?"),
            (_("Tidak cepat"), _("Kurang cepat"), _("Cepat"), _("Sangat cepat"))),
    Element("U4", "u4", _("Biaya/tarif"),
            _("Bagaimana pendapat Anda tentang kewajaran biaya/tarif dalam pelayanan?"),
            (_("Sangat mahal"), _("Cukup mahal"), _("Murah"), _("Gratis"))),
    Element("U5", "u5", _("Produk spesifikasi jenis pelayanan"),
            _("Bagaimana pendapat Anda tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?"),
            (_("Tidak sesuai"), _("Kurang sesuai"), _("Sesuai"), _("Sangat sesuai"))),
    Element("U6", "u6", _("Kompetensi pelaksana"),
            _("Bagaimana pendapat Anda tentang kompetensi/kemampuan petugas dalam pelayanan?"),
            (_("Tidak kompeten"), _("Kurang kompeten"), _("Kompeten"), _("Sangat kompeten"))),
    Element("U7", "u7", _("Perilaku pelaksana"),
            _("Bagaimana pendapat Anda tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?"),
            (_("Tidak sopan dan ramah"), _("Kurang sopan dan ramah"), _("Sopan dan ramah"), _("Sangat sopan dan ramah"))),
    Element("U8", "u8", _("Penanganan pengaduan, saran dan masukan"),
            _("Bagaimana pendapat Anda tentang penanganan pengaduan, saran dan masukan pengguna layanan?"),
            (_("Tidak ada"), _("Ada tetapi tidak berfungsi"), _("Berfungsi kurang maksimal"), _("Dikelola dengan baik"))),
    Element("U9", "u9", _("Sarana dan prasarana"),
            _("Bagaimana pendapat Anda tentang kualitas sarana dan prasarana?"),
            (_("Buruk"), _("Cukup"), _("Baik"), _("Sangat baik"))),
)
FIELDS = tuple(e.field for e in ELEMENTS)

# (lowest converted index, mutu, kinerja), best first.
CATEGORIES = (
    (Decimal("88.31"), "A", _("Sangat baik")),
    (Decimal("76.61"), "B", _("Baik")),
    (Decimal("65.00"), "C", _("Kurang baik")),
    (Decimal("25.00"), "D", _("Tidak baik")),
)

# Statuses after which the applicant is invited to the survey: the service was delivered (letter) or
# decided (rejection). A request the applicant cancelled was not served, so it is not surveyed.
SURVEY_STATUSES = ("letter_issued", "rejected")
SURVEY_SALT = "feedback.survey"


def _round(value, places):
    value = Fraction(value)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def category_for(index):
    """(mutu, kinerja) for a converted index (25-100), read from its value rounded to 2 decimals."""
    value = _round(Fraction(str(index)) if isinstance(index, (float, str)) else Fraction(index), 2)
    for lowest, letter, label in CATEGORIES:
        if value >= lowest:
            return letter, label
    return CATEGORIES[-1][1], CATEGORIES[-1][2]


def weighted_index(nrr, weight=WEIGHT_EXACT):
    """Converted index (exact Fraction) from the nine NRRs: sum(NRR_i x weight) x 25."""
    return sum((Fraction(v) * Fraction(weight) for v in nrr), Fraction(0)) * CONVERSION


@dataclass(frozen=True)
class IkmResult:
    respondents: int
    nrr: dict  # {"U1": Decimal("3.6207"), ...}, 4 decimals
    ikm_unit: Decimal  # the weighted average on the 1-4 scale, 4 decimals
    ikm: Decimal  # converted, exact 1/9 weights, 2 decimals
    ikm_0111: Decimal  # converted with the printed weight 0.111, 2 decimals
    category: str  # A/B/C/D
    performance: str  # Sangat baik / Baik / Kurang baik / Tidak baik

    @property
    def elements(self):
        """(Element, NRR, NRR x 1/9) rows for tables."""
        return [(e, self.nrr[e.code], _round(Fraction(str(self.nrr[e.code])) * WEIGHT_EXACT, 4)) for e in ELEMENTS]


def compute(respondents, sums):
    """IkmResult from the number of respondents and the nine per-element score sums (U1..U9 order)."""
    if respondents <= 0:
        return None
    if len(sums) != len(ELEMENTS):
        raise ValueError("nine element sums are required")
    nrr = [Fraction(s, respondents) for s in sums]
    exact = weighted_index(nrr)
    letter, label = category_for(exact)
    return IkmResult(
        respondents=respondents,
        nrr={e.code: _round(v, 4) for e, v in zip(ELEMENTS, nrr, strict=True)},
        ikm_unit=_round(exact / CONVERSION, 4),
        ikm=_round(exact, 2),
        ikm_0111=_round(weighted_index(nrr, WEIGHT_PRINTED), 2),
        category=letter,
        performance=str(label),
    )


def compute_from_answers(answers):
    """IkmResult from a list of nine-score answers, e.g. [(4, 3, 4, 4, 3, 4, 4, 3, 4), ...]."""
    answers = list(answers)
    for row in answers:
        if len(row) != len(ELEMENTS) or any(score not in (1, 2, 3, 4) for score in row):
            raise ValueError(f"every answer needs nine scores from 1 to 4: {row!r}")
    return compute(len(answers), [sum(col) for col in zip(*answers, strict=True)] if answers else [0] * 9)


# --- reading the stored answers -----------------------------------------------------------------

_AGGREGATES = {"n": Count("pk"), **{f: Sum(f) for f in FIELDS}}


def _pk(obj):
    return getattr(obj, "pk", obj)


def responses(service=None, unit=None, start=None, end=None):
    qs = SurveyResponse.objects.between(start, end)
    if service is not None:
        qs = qs.filter(service_id=_pk(service))
    if unit is not None:
        qs = qs.filter(unit_id=_pk(unit))
    return qs


def _from_row(row):
    return compute(row["n"], [row[f] for f in FIELDS])


def summary(service=None, unit=None, start=None, end=None):
    """IkmResult over the matching responses, or None when there are none.

    service / unit: a Service / OrganisationUnit or its pk (None = all); start / end: dates, inclusive
    (None = open-ended).
    """
    return _from_row(responses(service, unit, start, end).aggregate(**_AGGREGATES))


def _grouped(qs, key):
    return [(row[key], _from_row(row)) for row in qs.values(key).annotate(**_AGGREGATES).order_by(key)]


def by_service(start=None, end=None, unit=None, service=None):
    """[(service_id, IkmResult)] for every service with at least one response."""
    return _grouped(responses(service, unit, start, end), "service_id")


def by_unit(start=None, end=None, unit=None, service=None):
    """[(unit_id, IkmResult)] for every unit with at least one response."""
    return _grouped(responses(service, unit, start, end), "unit_id")


def summary_of_services(service_ids, start, end):
    """IkmResult over the responses about any of these services between start and end (dates, inclusive),
    or None: one index for the whole period, from the answers themselves (not an average of monthly ones)."""
    return _from_row(responses(start=start, end=end).filter(service_id__in=list(service_ids)).aggregate(**_AGGREGATES))


MonthlyRow = namedtuple("MonthlyRow", "service_id month respondents ikm category")


def monthly_by_service(start, end):
    """One MonthlyRow(service_id, month, respondents, ikm, category) per service and calendar month with
    responses between start and end (dates, inclusive); month is the first day of the month, ikm a
    Decimal with 2 places (exact 1/9 weights). Ordered by service_id, then month."""
    qs = (
        responses(start=start, end=end)
        .annotate(month=TruncMonth("date"))
        .values("service_id", "month")
        .annotate(**_AGGREGATES)
        .order_by("service_id", "month")
    )
    rows = []
    for row in qs:
        result = _from_row(row)
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        rows.append(MonthlyRow(row["service_id"], month, result.respondents, result.ikm, result.category))
    return rows


def profile(service=None, unit=None, start=None, end=None):
    """Respondent profile counts: {field verbose name: [(label, count), ...]} for the report page."""
    qs = responses(service, unit, start, end)
    out = {}
    for name in ("sex", "age_band", "education", "occupation"):
        field = SurveyResponse._meta.get_field(name)
        counts = dict(qs.values_list(name).annotate(c=Count("pk")).values_list(name, "c"))
        out[str(field.verbose_name)] = [(str(label), counts.get(value, 0)) for value, label in field.choices]
    return out


# --- the survey invitation for a finished request ------------------------------------------------


def _signature(code):
    return signing.Signer(salt=SURVEY_SALT).signature(code)


def survey_token_valid(code, token):
    return constant_time_compare(_signature(code), token)


def already_answered(service_request):
    return SurveyResponse.objects.filter(request_id=service_request.pk).exists()


def can_take_survey(service_request):
    """True when the request is finished (letter issued or rejected) and its survey is not yet answered."""
    return service_request.status in SURVEY_STATUSES and not already_answered(service_request)


def survey_url_for(service_request, absolute=False):
    """The survey link for one request: a path (or a full URL with SITE_URL for e-mails). The signature
    makes it unguessable, so it works from an e-mail without logging in."""
    path = reverse("feedback:survey_request", args=[service_request.code, _signature(service_request.code)])
    return settings.SITE_URL + path if absolute else path


def record_response(*, service, scores, respondent, suggestion="", service_request=None):
    """Store one answered survey. `scores`: the nine 1-4 answers (U1..U9); `respondent`: age_band, sex,
    education and occupation. The unit is the service's unit today. Raises IntegrityError when the request
    already has one (the unique constraint is the rule; the view checks first for a friendly page)."""
    with transaction.atomic():  # a duplicate fails alone, not the caller's transaction
        return SurveyResponse.objects.create(
            service=service,
            unit_id=service.unit_id,
            request=service_request,
            channel=SurveyResponse.Channel.ONLINE if service_request else SurveyResponse.Channel.WALK_IN,
            suggestion=suggestion,
            **dict(zip(FIELDS, scores, strict=True)),
            **respondent,
        )
