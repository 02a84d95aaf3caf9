"""Checks on uploaded documents: the type is decided by the file's content, never by its name.

Accepted: PDF (starts with %PDF-, parses with pypdf, not encrypted), JPEG (FF D8 FF and Pillow verifies it)
and PNG (the 8-byte signature and Pillow verifies it). Programs renamed to .pdf or .jpg (Windows MZ, Linux
ELF), empty files, corrupt files and files over the requirement's size limit are refused with a message that
says why. A file that passes gets `upload.detected_type`, which workflow.attach_document stores.
"""

import re
import unicodedata
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

DEFAULT_MAX_SIZE_KB = 2048

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
FORMAT_TYPES = {"pdf": PDF, "jpg": JPEG, "jpeg": JPEG, "png": PNG}
TYPE_LABELS = {PDF: "PDF", JPEG: "JPG", PNG: "PNG"}
TYPE_EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"#!")


def allowed_types(formats):
    """["pdf", "jpg"] -> {"application/pdf", "image/jpeg"}; unknown words are ignored."""
    return {FORMAT_TYPES[f] for f in formats if f in FORMAT_TYPES}


def formats_label(formats):
    """["pdf", "jpg", "png"] -> "PDF, JPG, PNG" for help texts and messages."""
    labels = []
    for t in (PDF, JPEG, PNG):
        if t in allowed_types(formats):
            labels.append(TYPE_LABELS[t])
    return ", ".join(labels)


def _head(upload, n=16):
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


def _check_pdf(upload):
    from pypdf import PdfReader

    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("PDF ini dikunci dengan kata sandi. Unggah PDF tanpa kata sandi."), code="encrypted")
        if len(reader.pages) < 1:
            raise ValueError("no pages")
        reader.pages[0].mediabox  # noqa: B018 - forces the first page object to be parsed
    except ValidationError:
        raise
    except Exception:
        # A hostile or broken file can make the parser raise almost anything; all of it means "corrupt".
        raise ValidationError(
            _("PDF ini rusak atau tidak dapat dibaca. Simpan ulang sebagai PDF lalu unggah kembali."), code="corrupt",
        ) from None
    finally:
        upload.seek(0)


def _check_image(upload, expected_format):
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            found = image.format
            image.verify()
        if found != expected_format:
            raise ValueError(found)
    except Exception:
        # Same reasoning as for PDFs: any parser error on a hostile file means the image is unusable.
        raise ValidationError(
            _("Gambar ini rusak atau tidak dapat dibaca. Foto atau pindai ulang lalu unggah kembali."), code="corrupt",
        ) from None
    finally:
        upload.seek(0)


def detect_type(upload):
    """The MIME type of an upload judged by its content, or a ValidationError saying what is wrong with it."""
    head = _head(upload)
    if head.startswith(EXECUTABLE_SIGNATURES):
        raise ValidationError(_("Berkas ini adalah program, bukan dokumen. Unggah PDF, JPG atau PNG."), code="executable")
    if head.startswith(b"%PDF-"):
        _check_pdf(upload)
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        _check_image(upload, "JPEG")
        return JPEG
    if head.startswith(PNG_SIGNATURE):
        _check_image(upload, "PNG")
        return PNG
    raise ValidationError(
        _("Jenis berkas tidak dikenali dari isinya. Unggah PDF, JPG atau PNG."), code="unknown_type")


@deconstructible
class DocumentValidator:
    """Form-field validator for one requirement's upload: size, then content type, then the allowed formats."""

    def __init__(self, formats=("pdf", "jpg", "png"), max_size_kb=DEFAULT_MAX_SIZE_KB):
        self.formats = list(formats)
        self.max_size_kb = max_size_kb or DEFAULT_MAX_SIZE_KB

    @classmethod
    def for_requirement(cls, requirement):
        return cls(requirement.format_list, requirement.max_size_kb)

    def __call__(self, upload):
        if not upload.size:
            raise ValidationError(_("Berkas kosong (0 byte). Pilih berkas yang berisi dokumen."), code="empty")
        limit = self.max_size_kb * 1024
        if upload.size > limit:
            raise ValidationError(
                _("Ukuran berkas %(size)s melebihi batas %(limit)s. Perkecil resolusi pindaian lalu unggah kembali.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                code="too_big",
            )
        detected = detect_type(upload)
        if detected not in allowed_types(self.formats):
            raise ValidationError(
                _("Berkas ini berformat %(found)s; untuk dokumen ini hanya diterima %(allowed)s.")
                % {"found": TYPE_LABELS[detected], "allowed": formats_label(self.formats)},
                code="format_not_allowed",
            )
        upload.detected_type = detected

    def __eq__(self, other):
        return isinstance(other, DocumentValidator) and (self.formats, self.max_size_kb) == (other.formats, other.max_size_kb)


def download_name(original_name, content_type):
    """A safe file name for Content-Disposition: ASCII letters, digits, dot, dash and underscore only,
    with the extension that matches the checked content (a PDF named "x.exe" downloads as "x.pdf")."""
    stem = PurePath(original_name or "").stem
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")[:80] or "dokumen"
    return stem + TYPE_EXTENSIONS.get(content_type, "")
