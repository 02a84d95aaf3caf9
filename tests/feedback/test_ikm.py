"""IKM computation (PermenPANRB 14/2017) against hand-computed values, and the dashboard's read functions."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import IntegrityError

from feedback import ikm
from feedback.models import SurveyResponse
from tests.factories import make_request

RESPONDENT = {"age_band": "35_44", "sex": "f", "education": "bachelor", "occupation": "pns"}


def worked_example():
    """29 respondents. Per element, how many answered 2 and 3 (everyone else answered 4):

        element  2s  3s  sum                        NRR = sum / 29
        U1        0  11  18*4 + 11*3       = 105     3.6207
        U2        0  12  17*4 + 12*3       = 104     3.5862
        U3        0  13  16*4 + 13*3       = 103     3.5517
        U4        0   0  29*4              = 116     4.0000   (the service is free)
        U5        0   8  21*4 +  8*3       = 108     3.7241
        U6        0  10  19*4 + 10*3       = 106     3.6552
        U7        0   6  23*4 +  6*3       = 110     3.7931
        U8        4   8  17*4 + 8*3 + 4*2  = 100     3.4483
        U9        0  13  16*4 + 13*3       = 103     3.5517
                                     total  955

    sum NRR = 955 / 29 = 32.931034...
    exact 1/9:  32.931034 / 9 = 3.659004 (IKM unit) x 25 = 91.4751  -> 91.48  (A, Sangat baik)
    weight 0.111: 32.931034 x 0.111 x 25 = 91.3836                   -> 91.38
    weight 0.11:  32.931034 x 0.11  x 25 = 90.5603                   -> 90.56
    So the DOMAIN.md source pair "91.48 vs 90.56" is exact 1/9 against the two-decimal 0.11.
    """
    lows = [(0, 11), (0, 12), (0, 13), (0, 0), (0, 8), (0, 10), (0, 6), (4, 8), (0, 13)]
    columns = [[2] * twos + [3] * threes + [4] * (29 - twos - threes) for twos, threes in lows]
    return [tuple(col[j] for col in columns) for j in range(29)]


def test_worked_example_nrr_per_element():
    result = ikm.compute_from_answers(worked_example())
    assert result.respondents == 29
    assert result.nrr == {
        "U1": Decimal("3.6207"), "U2": Decimal("3.5862"), "U3": Decimal("3.5517"), "U4": Decimal("4.0000"),
        "U5": Decimal("3.7241"), "U6": Decimal("3.6552"), "U7": Decimal("3.7931"), "U8": Decimal("3.4483"),
        "U9": Decimal("3.5517"),
    }


def test_worked_example_index_with_exact_and_printed_weights():
    result = ikm.compute_from_answers(worked_example())
    assert result.ikm_unit == Decimal("3.6590")
    assert result.ikm == Decimal("91.48")
    assert result.ikm_0111 == Decimal("91.38")
    nrr = [Fraction(sum(col), 29) for col in zip(*worked_example(), strict=True)]
    assert round(float(ikm.weighted_index(nrr, Decimal("0.11"))), 2) == 90.56
    assert (result.category, result.performance) == ("A", "Sangat baik")


def test_exact_weight_equals_the_shortcut_formula():
    # Addendum §4.1 shortcut: IKM = [sum of all scores / (n x 9)] x 25 = 955 / 261 x 25 = 91.4751
    result = ikm.compute(29, [105, 104, 103, 116, 108, 106, 110, 100, 103])
    assert result.ikm == Decimal("91.48")
    assert result == ikm.compute_from_answers(worked_example())


def test_unanimous_answers_give_the_ends_of_the_scale():
    best = ikm.compute_from_answers([(4,) * 9] * 3)
    worst = ikm.compute_from_answers([(1,) * 9] * 3)
    assert (best.ikm, best.ikm_0111, best.category) == (Decimal("100.00"), Decimal("99.90"), "A")
    assert (worst.ikm, worst.category, worst.performance) == (Decimal("25.00"), "D", "Tidak baik")


def test_boundary_65_from_respondents():
    # 3 respondents answer 3 everywhere and 2 answer 2: 27*3 + 18*2 = 117; 117 / 45 x 25 = 65.00 exactly.
    answers = [(3,) * 9] * 3 + [(2,) * 9] * 2
    assert ikm.compute_from_answers(answers).ikm == Decimal("65.00")
    assert ikm.compute_from_answers(answers).category == "C"
    # One answer lower: 116 / 45 x 25 = 64.444 -> 64.44, category D.
    answers[0] = (2,) + (3,) * 8
    lower = ikm.compute_from_answers(answers)
    assert (lower.ikm, lower.category, lower.performance) == (Decimal("64.44"), "D", "Tidak baik")


@pytest.mark.parametrize(
    ("index", "category", "performance"),
    [
        ("25.00", "D", "Tidak baik"),
        ("64.99", "D", "Tidak baik"),
        ("64.994", "D", "Tidak baik"),  # rounds to 64.99
        ("64.995", "C", "Kurang baik"),  # rounds half-up to 65.00
        ("65.00", "C", "Kurang baik"),
        ("76.60", "C", "Kurang baik"),
        ("76.61", "B", "Baik"),
        ("88.30", "B", "Baik"),
        ("88.3049", "B", "Baik"),
        ("88.305", "A", "Sangat baik"),
        ("88.31", "A", "Sangat baik"),
        ("100.00", "A", "Sangat baik"),
    ],
)
def test_category_boundaries(index, category, performance):
    letter, label = ikm.category_for(Decimal(index))
    assert (letter, str(label)) == (category, performance)


def test_answers_outside_the_scale_are_refused():
    with pytest.raises(ValueError):
        ikm.compute_from_answers([(5, 4, 4, 4, 4, 4, 4, 4, 4)])
    with pytest.raises(ValueError):
        ikm.compute_from_answers([(4, 4, 4)])
    assert ikm.compute_from_answers([]) is None


def test_every_element_has_four_indonesian_labels():
    assert [e.code for e in ikm.ELEMENTS] == [f"U{i}" for i in range(1, 10)]
    assert [str(x) for x in ikm.ELEMENTS[0].labels] == ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]
    assert [str(x) for x in ikm.ELEMENTS[2].labels] == ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"]
    assert [str(x) for x in ikm.ELEMENTS[3].labels] == ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]
    assert all(len(e.labels) == 4 for e in ikm.ELEMENTS)


# --- stored answers ------------------------------------------------------------------------------


def _answer(service, scores, day):
    response = ikm.record_response(service=service, scores=scores, respondent=RESPONDENT)
    SurveyResponse.objects.filter(pk=response.pk).update(date=day)
    return response


@pytest.fixture
def answers(db, services):
    skk, cuti = services["surat-keterangan-kerja"], services["izin-cuti"]
    _answer(skk, (4,) * 9, dt.date(2026, 1, 10))
    _answer(skk, (3,) * 9, dt.date(2026, 1, 20))
    _answer(skk, (2,) * 9, dt.date(2026, 2, 5))
    _answer(cuti, (4, 4, 4, 4, 4, 4, 4, 4, 1), dt.date(2026, 1, 15))
    return skk, cuti


def test_summary_over_everything(answers):
    # 4 respondents, sum of all scores = 36 + 27 + 18 + 33 = 114; 114 / 36 x 25 = 79.1667 -> 79.17 (B)
    result = ikm.summary()
    assert (result.respondents, result.ikm, result.category) == (4, Decimal("79.17"), "B")


def test_summary_per_service_unit_and_period(answers, units):
    skk, cuti = answers
    # SKK: (36 + 27 + 18) / 27 x 25 = 75.00 (C)
    assert ikm.summary(service=skk).ikm == Decimal("75.00")
    assert ikm.summary(service=skk.pk).respondents == 3
    # The unit is the service's unit: SKK belongs to PPI, izin cuti to MUTASI. 33 / 9 x 25 = 91.67.
    assert ikm.summary(unit=units["mutasi"]).ikm == Decimal("91.67")
    assert ikm.summary(unit=units["ppi"]).respondents == 3
    # January only, SKK: (36 + 27) / 18 x 25 = 87.50 (B)
    january = ikm.summary(service=skk, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    assert (january.respondents, january.ikm, january.category) == (2, Decimal("87.50"), "B")
    # Both ends of the period are included.
    assert ikm.summary(start=dt.date(2026, 2, 5), end=dt.date(2026, 2, 5)).respondents == 1


def test_summary_without_answers_is_none(answers, units):
    assert ikm.summary(unit=units["pka"]) is None
    assert ikm.summary(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)) is None


def test_monthly_by_service_rows(answers):
    skk, cuti = answers
    rows = ikm.monthly_by_service(dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    expected = [
        (skk.pk, dt.date(2026, 1, 1), 2, Decimal("87.50"), "B"),
        (skk.pk, dt.date(2026, 2, 1), 1, Decimal("50.00"), "D"),
        (cuti.pk, dt.date(2026, 1, 1), 1, Decimal("91.67"), "A"),
    ]
    assert sorted(rows) == sorted(expected)
    assert rows[0].service_id == rows[0][0]
    assert ikm.monthly_by_service(dt.date(2026, 2, 1), dt.date(2026, 2, 28)) == [(skk.pk, dt.date(2026, 2, 1), 1, Decimal("50.00"), "D")]


def test_by_service_and_by_unit(answers, units):
    skk, cuti = answers
    assert {key: r.ikm for key, r in ikm.by_service()} == {skk.pk: Decimal("75.00"), cuti.pk: Decimal("91.67")}
    assert {key: r.respondents for key, r in ikm.by_unit()} == {units["ppi"].pk: 3, units["mutasi"].pk: 1}


# --- the invitation after a finished request -----------------------------------------------------


def test_survey_is_offered_once_a_request_is_finished(applicant):
    submitted = make_request(applicant, status="submitted")
    issued = make_request(applicant, status="letter_issued")
    rejected = make_request(applicant, status="rejected")
    cancelled = make_request(applicant, status="cancelled")
    assert not ikm.can_take_survey(submitted)
    assert ikm.can_take_survey(issued)
    assert ikm.can_take_survey(rejected)
    assert not ikm.can_take_survey(cancelled)
    url = ikm.survey_url_for(issued)
    assert url.startswith(f"/survei/permohonan/{issued.code}/")
    assert ikm.survey_url_for(issued, absolute=True).endswith(url)


def test_one_survey_per_request_is_a_database_rule(applicant):
    issued = make_request(applicant, status="letter_issued")
    ikm.record_response(service=issued.service, scores=(4,) * 9, respondent=RESPONDENT, service_request=issued)
    assert not ikm.can_take_survey(issued)
    with pytest.raises(IntegrityError):
        ikm.record_response(service=issued.service, scores=(3,) * 9, respondent=RESPONDENT, service_request=issued)
