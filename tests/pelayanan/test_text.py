import pytest

from pelayanan.text import sentence


@pytest.mark.parametrize("text,expected", [
    ("Ditugaskan kepada Rina Siregar, S.Kom..", "Ditugaskan kepada Rina Siregar, S.Kom."),
    ("Ditugaskan kepada Rina Siregar.", "Ditugaskan kepada Rina Siregar."),
    ("Menunggu...", "Menunggu..."),
    ("", ""),
])
def test_a_sentence_ends_with_one_full_stop(text, expected):
    assert sentence(text) == expected
