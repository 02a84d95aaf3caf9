import re
from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pelayanan.models import OrganisationUnit
from requests_app.models import Service
from requests_app.uploads import DocumentValidator

from . import ikm, workflow
from .models import ComplaintTier, Feedback, SurveyResponse

# Attachments pass the same content checks as request documents (requests_app/uploads.py): PDF, JPG or PNG
# judged by parsing the content, never by the name; programs, corrupt files and files over 2 MB are refused.
ATTACHMENT_VALIDATOR = DocumentValidator(formats=("pdf", "jpg", "png"), max_size_kb=2048)
RELATED_CODE_RE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")


@dataclass(frozen=True)
class CheckedUpload:
    file: object
    name: str
    content_type: str
    size: int


class HoneypotMixin:
    """A field people never see (hidden by CSS, skipped by screen readers); bots fill it in."""

    def add_honeypot(self):
        self.fields["website"] = forms.CharField(
            required=False, label=_("Jangan diisi"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Permintaan tidak dapat diproses. Muat ulang halaman lalu coba lagi."))
        return ""


class SurveyForm(HoneypotMixin, forms.Form):
    """The nine IKM questions plus the respondent profile. With `with_service`, the walk-in service picker."""

    suggestion = forms.CharField(
        label=_("Saran untuk perbaikan layanan (tidak wajib)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        error_messages={"max_length": _("Saran paling banyak %(limit_value)d karakter (sekarang %(show_value)d).")},
    )

    def __init__(self, *args, with_service=False, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        if with_service:
            fields["service"] = forms.ModelChoiceField(
                label=_("Layanan yang Anda terima"), queryset=Service.objects.active(), empty_label=_("— pilih layanan —"),
                error_messages={"required": _("Pilih layanan yang Anda terima."), "invalid_choice": _("Pilih layanan dari daftar.")},
            )
        for element in ikm.ELEMENTS:
            fields[element.field] = forms.TypedChoiceField(
                label=f"{element.code}. {element.question}", coerce=int, widget=forms.RadioSelect,
                choices=[(score, label) for score, label in enumerate(element.labels, start=1)],
                error_messages={"required": _("Pilih salah satu jawaban untuk pertanyaan ini."),
                                "invalid_choice": _("Pilih salah satu jawaban yang tersedia.")},
            )
        profile = {
            "age_band": (_("Usia"), SurveyResponse.AgeBand.choices),
            "sex": (_("Jenis kelamin"), SurveyResponse.Sex.choices),
            "education": (_("Pendidikan terakhir"), SurveyResponse.Education.choices),
            "occupation": (_("Pekerjaan"), SurveyResponse.Occupation.choices),
        }
        for name, (label, choices) in profile.items():
            fields[name] = forms.ChoiceField(
                label=label, choices=[("", _("— pilih —")), *choices],
                error_messages={"required": _("Pilih salah satu."), "invalid_choice": _("Pilih salah satu pilihan yang tersedia.")},
            )
        fields["suggestion"] = self.fields.pop("suggestion")
        self.fields.update(fields)
        self.add_honeypot()

    def element_fields(self):
        return [self[e.field] for e in ikm.ELEMENTS]

    def profile_fields(self):
        return [self[name] for name in ("age_band", "sex", "education", "occupation")]

    @property
    def scores(self):
        return [self.cleaned_data[f] for f in ikm.FIELDS]

    @property
    def respondent(self):
        return {name: self.cleaned_data[name] for name in ("age_band", "sex", "education", "occupation")}


def normalise_phone(value):
    digits = re.sub(r"[\s\-().]", "", value)
    if digits.startswith("+62"):
        digits = "0" + digits[3:]
    elif digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits


class FeedbackForm(HoneypotMixin, forms.Form):
    """The public Pengaduan & Saran form. Validates and normalises only; workflow.file_feedback saves."""

    kind = forms.ChoiceField(
        label=_("Jenis"), choices=Feedback.Kind.choices, widget=forms.RadioSelect, initial=Feedback.Kind.COMPLAINT,
        error_messages={"required": _("Pilih pengaduan atau saran."), "invalid_choice": _("Pilih pengaduan atau saran.")},
    )
    category = forms.ChoiceField(
        label=_("Kategori"), choices=[("", _("— pilih kategori —")), *Feedback.Category.choices],
        error_messages={"required": _("Pilih kategori."), "invalid_choice": _("Pilih kategori dari daftar.")},
    )
    service = forms.ModelChoiceField(
        label=_("Layanan terkait (tidak wajib)"), queryset=Service.objects.active(), required=False,
        empty_label=_("— tidak terkait layanan tertentu —"),
        error_messages={"invalid_choice": _("Pilih layanan dari daftar.")},
    )
    related_code = forms.CharField(
        label=_("Kode lacak permohonan (tidak wajib)"), required=False, max_length=20,
        help_text=_("Isi bila pengaduan menyangkut permohonan tertentu, mis. SKK-26-7F3K9Q."),
        error_messages={"max_length": _("Kode lacak paling banyak %(limit_value)d karakter.")},
    )
    title = forms.CharField(
        label=_("Judul"), min_length=5, max_length=150,
        error_messages={"required": _("Tuliskan judul singkat."), "min_length": _("Judul paling sedikit %(limit_value)d karakter."),
                        "max_length": _("Judul paling banyak %(limit_value)d karakter (sekarang %(show_value)d).")},
    )
    text = forms.CharField(
        label=_("Uraian"), min_length=20, max_length=4000, widget=forms.Textarea(attrs={"rows": 6, "maxlength": 4000}),
        help_text=_("Jelaskan apa yang terjadi, kapan dan di mana, serta harapan Anda. Paling banyak 4.000 karakter."),
        error_messages={"required": _("Tuliskan uraian pengaduan atau saran Anda."),
                        "min_length": _("Uraian paling sedikit %(limit_value)d karakter (sekarang %(show_value)d)."),
                        "max_length": _("Uraian paling banyak %(limit_value)d karakter (sekarang %(show_value)d).")},
    )
    attachment = forms.FileField(
        label=_("Lampiran (tidak wajib)"), required=False,
        help_text=_("PDF, JPG atau PNG, paling besar 2 MB."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
        error_messages={"empty": _("Berkas yang diunggah kosong."), "invalid": _("Berkas tidak dapat dibaca.")},
    )
    name = forms.CharField(label=_("Nama"), required=False, max_length=150,
                           error_messages={"max_length": _("Nama paling banyak %(limit_value)d karakter.")})
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254,
                             error_messages={"invalid": _("Tuliskan alamat e-mail yang benar, mis. nama@contoh.id.")})
    phone = forms.CharField(label=_("Nomor HP"), required=False, max_length=20,
                            error_messages={"max_length": _("Nomor HP paling banyak %(limit_value)d karakter.")})
    consent_public = forms.BooleanField(
        label=_("Saya mengizinkan saran ini ditayangkan di halaman Saran & Tindak Lanjut, tanpa nama dan kontak saya."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_honeypot()

    def clean_related_code(self):
        code = self.cleaned_data["related_code"].strip().upper()
        if code and not RELATED_CODE_RE.match(code):
            raise forms.ValidationError(_("Kode lacak hanya berisi huruf, angka dan tanda hubung, mis. SKK-26-7F3K9Q."))
        return code

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        if phone and not re.fullmatch(r"0\d{8,14}", phone):
            raise forms.ValidationError(_("Tuliskan nomor HP yang benar, mis. 081234567890."))
        return phone

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        ATTACHMENT_VALIDATOR(upload)  # raises a ValidationError that says what is wrong with the file
        return CheckedUpload(file=upload, name=upload.name[-200:], content_type=upload.detected_type, size=upload.size)

    def clean(self):
        data = super().clean()
        if data.get("kind") == Feedback.Kind.COMPLAINT:
            if not data.get("name", "").strip():
                self.add_error("name", _("Nama wajib diisi untuk pengaduan."))
            if not data.get("email") and not data.get("phone") and "email" not in self.errors and "phone" not in self.errors:
                self.add_error("email", _("Isi e-mail atau nomor HP agar kami dapat menanggapi pengaduan Anda."))
            data["consent_public"] = False
        for key in ("name", "title", "text"):
            if key in data:
                data[key] = data[key].strip()
        return data


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Kode lacak"), max_length=20, help_text=_("mis. ADU-26-7F3K9Q"),
        error_messages={"required": _("Tuliskan kode lacak Anda."), "max_length": _("Kode lacak paling banyak %(limit_value)d karakter.")},
    )
    verifier = forms.CharField(
        label=_("E-mail atau 4 angka terakhir nomor HP"), required=False, max_length=254,
        help_text=_("Wajib bila Anda mencantumkan kontak saat melapor."),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_verifier(self):
        return self.cleaned_data["verifier"].strip()


def verifier_matches(fb, verifier):
    """True when the filer proved they know the contact they left (items without contact need none)."""
    if not fb.has_contact:
        return True
    if fb.email and verifier and verifier.lower() == fb.email.lower():
        return True
    return bool(fb.phone) and re.fullmatch(r"\d{4}", verifier or "") is not None and fb.phone.endswith(verifier)


class ProcessForm(forms.ModelForm):
    """The "Tindak lanjut" part of the admin change page. Model fields stay read-only; these fields are
    handed to workflow.process by FeedbackAdmin.save_model."""

    new_status = forms.ChoiceField(label=_("Ubah status menjadi"), required=False)
    public_note = forms.CharField(
        label=_("Tanggapan untuk pelapor"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Dikirim ke e-mail pelapor dan tampil di halaman lacak. Wajib saat menyelesaikan atau menolak."),
    )
    note = forms.CharField(label=_("Catatan internal"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Hanya terlihat oleh petugas."))
    new_tier = forms.ModelChoiceField(label=_("Tingkat"), queryset=ComplaintTier.objects.filter(active=True), required=False,
                                      help_text=_("Mengubah tingkat menghitung ulang batas penyelesaian."))
    forward_to = forms.ModelChoiceField(label=_("Teruskan ke unit"), queryset=None, required=False,
                                        help_text=_("Setelah diteruskan, pengaduan keluar dari antrean unit Anda."))

    class Meta:
        model = Feedback
        fields = []

    user = None  # set by FeedbackAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fb = self.instance
        order = list(Feedback.Status.values)
        allowed = sorted({fb.status, *workflow.TRANSITIONS[fb.status]}, key=order.index) if fb.pk else []
        self.fields["new_status"].choices = [(s, Feedback.Status(s).label) for s in allowed]
        self.fields["new_status"].initial = fb.status
        self.fields["new_tier"].initial = fb.tier_id
        # A tier retired after this item was classified stays selectable for it.
        self.fields["new_tier"].queryset = ComplaintTier.objects.filter(Q(active=True) | Q(pk=fb.tier_id))
        self.fields["forward_to"].queryset = OrganisationUnit.objects.exclude(pk=fb.unit_id) if fb.pk else OrganisationUnit.objects.none()

    def clean(self):
        data = super().clean()
        try:
            workflow.check_process(self.instance, by=self.user, status=data.get("new_status"), tier=data.get("new_tier"),
                          unit=data.get("forward_to"), public_note=data.get("public_note", ""), note=data.get("note", ""))
        except workflow.WorkflowError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


class IkmReportForm(forms.Form):
    """Filters of the admin IKM report. Without a period it covers the current year up to today."""

    GROUPS = [("service", _("per layanan")), ("unit", _("per unit"))]

    start = forms.DateField(label=_("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": _("Tuliskan tanggal yang benar.")})
    end = forms.DateField(label=_("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": _("Tuliskan tanggal yang benar.")})
    service = forms.ModelChoiceField(label=_("Layanan"), queryset=Service.objects.order_by("order", "name"), required=False,
                                     empty_label=_("Semua layanan"))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrganisationUnit.objects.all(), required=False, empty_label=_("Semua unit"))
    group = forms.ChoiceField(label=_("Kelompokkan"), choices=GROUPS, required=False)

    @staticmethod
    def default_filters():
        today = timezone.localdate()
        return {"start": today.replace(month=1, day=1), "end": today, "service": None, "unit": None}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Tanggal akhir harus sama dengan atau setelah tanggal awal."))
        data["group"] = data.get("group") or "service"
        return data

    def filters(self):
        defaults = self.default_filters()
        data = self.cleaned_data
        return {
            "start": data.get("start") or defaults["start"],
            "end": data.get("end") or defaults["end"],
            "service": data.get("service"),
            "unit": data.get("unit"),
        }
