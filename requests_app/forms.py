"""Citizen-side forms. They validate and normalise; the views hand the result to workflow.py (STYLE.md rule 8)."""

import re
import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from pelayanan import identity

from . import leave, uploads
from .models import LeavePolicy, ServiceRequest

User = get_user_model()
SUPERVISOR_GROUP = "Atasan Langsung"
CODE_RE = re.compile(r"^[A-Z]{2,10}-\d{2}-[2-9A-HJKMNP-Z]{6}$")
# The same code typed without its dashes, or with spaces or other separators: "skk 26 7f3k9q", "SKK267F3K9Q".
LOOSE_CODE_RE = re.compile(r"^([A-Z]{2,10})(\d{2})([2-9A-HJKMNP-Z]{6})$")


def normalise_request_code(text: str) -> str:
    """A request code as people type it back to SKK-26-7F3K9Q; unchanged when it does not look like one."""
    text = (text or "").strip().upper()
    match = LOOSE_CODE_RE.match(re.sub(r"[^A-Z0-9]", "", text))
    return "-".join(match.groups()) if match else re.sub(r"\s+", "", text)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def find_user(value):
    """An active account by e-mail, NIK or NIP (spaces and dots allowed in the numbers), or None."""
    value = (value or "").strip()
    if not value:
        return None
    if "@" in value:
        return User.objects.filter(email__iexact=value, is_active=True).first()
    digits = identity.digits_only(value)
    if not digits.isdigit():
        return None
    return User.objects.filter(Q(nik=digits) | Q(nip=digits), is_active=True).first()


def name_each_required_field(form):
    """\"Pilih jenis cuti.\", \"Isi tanggal mulai.\" instead of Django's one \"Bidang ini tidak boleh kosong.\" for
    every empty field (GOV.UK: an error message says what to do with that field). Custom messages stay."""
    generic = forms.Field.default_error_messages["required"]
    for field in form.fields.values():
        if not field.required or field.widget.is_hidden or str(field.error_messages.get("required")) != str(generic):
            continue
        label = str(field.label or "")
        if label[:2] != label[:2].upper():  # "Jenis cuti" -> "jenis cuti"; "NIP atasan" stays
            label = label[:1].lower() + label[1:]
        choosing = isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or isinstance(field.widget, forms.CheckboxInput)
        field.error_messages["required"] = (_("Pilih %(label)s.") if choosing else _("Isi %(label)s.")) % {"label": label}


class RequestDetailsForm(forms.Form):
    """Base of step (a). Subclasses define the fields of one kind of service.

    The hidden idempotency key makes a double-clicked or replayed first step return the same draft
    (workflow.create_draft looks the key up first).
    """

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    detail_fields = ()

    def __init__(self, *args, service, applicant, service_request=None, **kwargs):
        self.service = service
        self.applicant = applicant
        self.service_request = service_request
        self.warnings = []
        kwargs.setdefault("initial", {})
        if service_request is not None:
            kwargs["initial"] = {**self.initial_from(service_request), **kwargs["initial"]}
        super().__init__(*args, **kwargs)
        self.initial.setdefault("idempotency_key", uuid.uuid4())
        name_each_required_field(self)
        if service_request is not None:
            del self.fields["idempotency_key"]  # editing an existing request, not creating one

    def initial_from(self, req):
        return {name: req.details.get(name, "") for name in self.detail_fields}

    def details(self):
        return {name: self.cleaned_data[name] for name in self.detail_fields}

    def leave_fields(self):
        return None

    def workflow_kwargs(self):
        """The keyword arguments for workflow.create_draft / update_details."""
        return {"details": self.details(), "leave_fields": self.leave_fields()}


class EmploymentCertificateForm(RequestDetailsForm):
    purpose = forms.CharField(
        label=_("Keperluan"), max_length=200,
        help_text=_("Untuk apa surat ini dipakai, mis. pengajuan kredit, beasiswa anak, pengurusan visa."),
    )
    addressee = forms.CharField(
        label=_("Instansi tujuan"), max_length=200,
        help_text=_("Kepada siapa surat ditujukan, mis. PT Bank Sumut Cabang Medan."),
    )
    detail_fields = ("purpose", "addressee")


class GeneralForm(RequestDetailsForm):
    notes = forms.CharField(
        label=_("Keterangan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Jelaskan singkat permohonan Anda, mis. tahun SK atau data yang perlu diperhatikan petugas."),
    )
    detail_fields = ("notes",)


class LeaveForm(RequestDetailsForm):
    leave_policy = forms.ModelChoiceField(
        label=_("Jenis cuti"), queryset=LeavePolicy.objects.none(), empty_label=_("Pilih jenis cuti"),
    )
    start_date = forms.DateField(label=_("Tanggal mulai"), widget=DateInput)
    end_date = forms.DateField(label=_("Tanggal selesai"), widget=DateInput)
    hajj = forms.BooleanField(
        label=_("Cuti besar ini untuk menunaikan ibadah haji pertama"), required=False,
        help_text=_("Hanya untuk cuti besar: syarat masa kerja 5 tahun tidak berlaku untuk haji pertama."),
    )
    reason = forms.CharField(label=_("Alasan cuti"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(
        label=_("Alamat selama menjalankan cuti"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
    )
    phone = forms.CharField(
        label=_("Nomor telepon selama cuti"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    supervisor = forms.CharField(
        label=_("Atasan langsung"), max_length=254,
        help_text=_("NIP atau alamat e-mail akun atasan langsung Anda. Atasan harus sudah terdaftar sebagai "
                    "Atasan Langsung di portal ini."),
    )
    detail_fields = ("reason", "address", "phone", "hajj")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policies = self.fields["leave_policy"].queryset = leave.policies_for(self.applicant)
        self.fields["leave_policy"].label_from_instance = lambda policy: policy.name
        # static/js/apply.js shows the hajj box only when cuti besar is chosen.
        long_leave = next((p for p in policies if p.code == leave.LONG), None)
        if long_leave is None:
            del self.fields["hajj"]
        else:
            self.fields["leave_policy"].widget.attrs["data-hajj-policy"] = str(long_leave.pk)

    def initial_from(self, req):
        initial = super().initial_from(req)
        initial.update(leave_policy=req.leave_policy_id, start_date=req.start_date, end_date=req.end_date)
        if req.supervisor_id:
            initial["supervisor"] = req.supervisor.nip or req.supervisor.email
        return initial

    def clean_phone(self):
        phone = re.sub(r"[\s.\-()]", "", self.cleaned_data["phone"])
        if not re.fullmatch(r"\+?\d{8,15}", phone):
            raise forms.ValidationError(_("Nomor telepon harus 8 sampai 15 angka, mis. 081234567890."))
        return phone

    def clean_supervisor(self):
        user = find_user(self.cleaned_data["supervisor"])
        if user is None or not user.groups.filter(name=SUPERVISOR_GROUP).exists():
            raise forms.ValidationError(
                _("Tidak ada atasan langsung terdaftar dengan NIP atau e-mail ini. Periksa kembali, atau minta "
                  "atasan Anda menghubungi BKPSDM agar akunnya didaftarkan sebagai Atasan Langsung."))
        if user.pk == self.applicant.pk:
            raise forms.ValidationError(_("Anda tidak dapat memilih diri sendiri sebagai atasan langsung."))
        return user

    def clean(self):
        cleaned = super().clean()
        policy, start, end = cleaned.get("leave_policy"), cleaned.get("start_date"), cleaned.get("end_date")
        if not (policy and start and end):
            return cleaned
        if end < start:
            self.add_error("end_date", _("Tanggal selesai harus sama dengan atau setelah tanggal mulai."))
            return cleaned
        check = leave.check_request(
            self.applicant, policy, start, end, exclude_request=self.service_request,
            hajj=bool(cleaned.get("hajj")) and policy.code == leave.LONG,
            due=self.service.due_date_if_sent(),  # as if sent today
        )
        for error, field_name in zip(check.errors, check.error_fields, strict=True):
            self.add_error(field_name if field_name in self.fields else None, error)
        self.warnings = list(check.warnings)
        return cleaned

    def details(self):
        details = {name: self.cleaned_data.get(name) for name in self.detail_fields}
        details["hajj"] = bool(details["hajj"]) and self.cleaned_data["leave_policy"].code == leave.LONG
        return details

    def leave_fields(self):
        data = self.cleaned_data
        return {
            "leave_policy": data["leave_policy"], "start_date": data["start_date"], "end_date": data["end_date"],
            "supervisor": data["supervisor"],
        }


class LeaveLengthForm(forms.Form):
    """The query of the live length preview on the leave step (static/js/apply.js)."""

    leave_policy = forms.ModelChoiceField(queryset=LeavePolicy.objects.filter(active=True))
    start_date = forms.DateField()
    end_date = forms.DateField()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        # More than a CLTN (3 + 1 years) is no leave anyone can take; do not walk decades of calendar for it.
        if start and end and not 0 <= (end - start).days <= 4 * 366:
            raise forms.ValidationError("range")
        return cleaned


FORMS_BY_KIND = {
    "employment_certificate": EmploymentCertificateForm,
    "leave": LeaveForm,
    "general": GeneralForm,
}


def details_form_class(service):
    return FORMS_BY_KIND.get(service.kind, GeneralForm)


def requirement_help(requirement):
    parts = [requirement.description] if requirement.description else []
    parts.append(_("Format: %(formats)s. Ukuran maksimal %(size)s.") % {
        "formats": uploads.formats_label(requirement.format_list),
        "size": filesizeformat((requirement.max_size_kb or uploads.DEFAULT_MAX_SIZE_KB) * 1024),
    })
    return " ".join(str(p) for p in parts)


class DocumentsForm(forms.Form):
    """Step (b): one file input per requirement that applies; a new file replaces the current one."""

    def __init__(self, *args, requirements, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = {}
        accept = {"pdf": ".pdf,application/pdf", "jpg": ".jpg,.jpeg,image/jpeg", "png": ".png,image/png"}
        for req in requirements:
            name = f"doc_{req.pk}"
            self.requirements[name] = req
            self.fields[name] = forms.FileField(
                label=req.name if req.required else _("%(name)s (tidak wajib)") % {"name": req.name},
                required=req.required and req.pk not in current,
                help_text=requirement_help(req),
                validators=[uploads.DocumentValidator.for_requirement(req)],
                widget=forms.ClearableFileInput(attrs={"accept": ",".join(accept[f] for f in req.format_list if f in accept)}),
                error_messages={"required": _("Unggah %(name)s.") % {"name": req.name}},
            )

    def uploads(self):
        """(requirement, file) for each file chosen in this submission."""
        return [(self.requirements[name], f) for name, f in self.cleaned_data.items() if f]


class ConsiderForm(forms.Form):
    """VII. Pertimbangan Atasan Langsung (Peraturan BKN 24/2017): four outcomes, a reason for the last three."""

    decision = forms.ChoiceField(
        label=_("Pertimbangan"), choices=ServiceRequest.SupervisorDecision.choices, widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Alasan"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib diisi untuk Perubahan, Ditangguhkan dan Tidak disetujui. Alasan ini dibaca pemohon."),
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and decision != ServiceRequest.SupervisorDecision.APPROVED and not cleaned.get("note", "").strip():
            self.add_error("note", _("Tuliskan alasan untuk pertimbangan “%(label)s”.") % {
                "label": ServiceRequest.SupervisorDecision(decision).label})
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pembatalan (tidak wajib)"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResubmitForm(forms.Form):
    note = forms.CharField(
        label=_("Pesan untuk petugas (tidak wajib)"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mis. dokumen apa yang sudah Anda perbaiki."),
    )


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Kode lacak"), max_length=30,
        help_text=_("Tertera di halaman konfirmasi dan e-mail Anda, mis. SKK-26-7F3K9Q."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    nik_last4 = forms.CharField(
        label=_("4 angka terakhir NIK pemohon"), min_length=4, max_length=4,
        error_messages={"min_length": _("Isi 4 angka terakhir NIK, mis. 0012."),
                        "max_length": _("Isi 4 angka terakhir NIK, mis. 0012.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}),
    )

    def clean_code(self):
        code = normalise_request_code(self.cleaned_data["code"])
        if not CODE_RE.match(code):
            raise forms.ValidationError(_("Kode lacak tidak dikenali. Tulis seperti yang tertera di halaman "
                                          "konfirmasi atau e-mail, mis. SKK-26-7F3K9Q."))
        return code

    def clean_nik_last4(self):
        digits = self.cleaned_data["nik_last4"].strip()
        if not re.fullmatch(r"\d{4}", digits):
            raise forms.ValidationError(_("Isi 4 angka terakhir NIK, mis. 0012."))
        return digits


class OnBehalfForm(forms.Form):
    """Counter service: an officer files for a walk-in applicant (GET form on the service picker)."""

    layanan = forms.ModelChoiceField(label=_("Layanan"), queryset=None, to_field_name="slug",
                                     empty_label=_("Pilih layanan"))
    pemohon = forms.CharField(
        label=_("NIK atau e-mail pemohon"), max_length=254,
        help_text=_("Pemohon harus sudah memiliki akun. Bila belum, bantu pemohon mendaftar lebih dahulu."),
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["layanan"].queryset = services

    def clean_pemohon(self):
        value = self.cleaned_data["pemohon"].strip()
        if find_user(value) is None:
            raise forms.ValidationError(_("Tidak ada akun dengan NIK atau e-mail ini. Bantu pemohon mendaftar lebih dahulu."))
        return value
