"""The QR code printed on letters uses one fixed mask (letters.QR_MASK) instead of segno's search over all
eight, which cost more than the rest of the letter task besides the render. Any mask decodes; this proves
it for many real verification URLs with zbar, the decoder the full-lifecycle test reads the printed PDF with.
"""

import shutil
import subprocess

import pytest

from requests_app import letters
from requests_app.models import random_code

pytestmark = pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (zbar-tools) is not installed")

SITES = ("http://127.0.0.1:8000", "https://kepegawaian.pemkomedan.go.id", "https://layanan.bkpsdm.pemkomedan.go.id")


def test_fixed_mask_codes_decode_for_many_verification_urls(tmp_path, settings):
    urls = []
    for i in range(60):
        settings.SITE_URL = SITES[i % len(SITES)]
        urls.append(letters.verification_url(random_code(12)))
    files = []
    for i, url in enumerate(urls):
        qr = letters.qr_code(url)
        assert qr.mask == letters.QR_MASK and qr.error in ("M", "Q", "H")  # segno raises the level when it fits
        path = tmp_path / f"qr-{i:02d}.png"
        qr.save(path, scale=2, border=4)  # 2 pixels per module: coarser than any print or phone camera
        files.append(str(path))

    out = subprocess.run(["zbarimg", "--quiet", "--raw", *files], capture_output=True, text=True, timeout=120)

    assert out.stdout.splitlines() == urls

