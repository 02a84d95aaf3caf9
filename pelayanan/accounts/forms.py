"""Account forms: they validate and normalise; pelayanan/accounts/services.py saves.

Identity numbers are checked with pelayanan.identity (DOMAIN.md §1). What DOMAIN.md
calls a warning (NIK and NIP disagreeing, age under 18 at appointment) is collected in
`form.warnings` for the view to show; it never blocks.
"""

import re

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pelayanan import identity
from pelayanan.emails import send_after_commit
from pelayanan.models import User

from .services import PROFILE_FIELDS

PHONE_RE = re.compile(r"0[0-9]{8,12}")
RESET_MAIL_INTERVAL = 120  # seconds

IDENTITY_WIDGETS = {
    "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
    "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    "rank": forms.TextInput(attrs={"autocomplete": "off"}),
    "position": forms.TextInput(attrs={"autocomplete": "organization-title"}),
    "work_unit": forms.TextInput(attrs={"autocomplete": "organization"}),
}


def identity_number_fields():
    """NIK and NIP fields, wider than the stored 16/18 digits: people type the groups with spaces or dots."""
    nik = forms.CharField(
        label=_("NIK"), max_length=24,
        help_text=_("16 angka Nomor Induk Kependudukan, seperti di KTP-el."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    nip = forms.CharField(
        label=_("NIP / NI PPPK"), max_length=24, required=False,
        help_text=_("18 angka. Wajib bagi PNS, CPNS dan PPPK; kosongkan bila Anda bukan ASN."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    return nik, nip


class IdentityFieldsMixin:
    """Validation of name, phone, NIK, ASN status and NIP, shared by registration and the profile.
    The form declares `nik, nip = identity_number_fields()` and calls clean_identity() from clean().

    The profile refuses a NIK or NIP that another account holds. Registration does not say so: an open
    form would tell anyone whether a NIK has an account. services.register decides instead."""

    refuse_taken_numbers = True

    def _setup_identity_fields(self):
        self.warnings = []
        self._parsed_nik = None
        self.fields["phone"].required = True
        self.fields["phone"].help_text = _("Nomor yang aktif, mis. 0812 3456 7890. Dipakai bila petugas perlu menghubungi Anda.")
        self.fields["asn_type"].help_text = _("Pilih “Bukan ASN” bila Anda bukan pegawai negeri atau PPPK.")

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if sum(ch.isalpha() for ch in name) < 2:
            raise ValidationError(_("Tulis nama lengkap Anda."), code="invalid")
        return name

    def clean_phone(self):
        raw = re.sub(r"[\s.\-()]", "", self.cleaned_data["phone"])
        if not raw:
            return ""
        phone = "0" + raw[3:] if raw.startswith("+62") else "0" + raw[2:] if raw.startswith("62") else raw
        if not PHONE_RE.fullmatch(phone):
            raise ValidationError(
                _("Nomor HP tidak valid. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890."), code="invalid"
            )
        return phone

    def clean_nik(self):
        value = self.cleaned_data["nik"]
        if not value:
            return ""
        parsed = identity.parse_nik(value)  # raises the Indonesian message of the broken rule
        if self.refuse_taken_numbers and User.objects.filter(nik=parsed.digits).exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                _("NIK ini sudah terdaftar pada akun lain. Bila ini NIK Anda, hubungi loket layanan."), code="taken"
            )
        self._parsed_nik = parsed
        return parsed.digits

    def clean_identity(self, cleaned):
        """NIP rules depend on the ASN status (DOMAIN.md §1.1-1.2), so they are checked together."""
        asn_type, nip = cleaned.get("asn_type"), cleaned.get("nip", "")
        if asn_type is None or "nip" in self.errors:
            return
        if asn_type == User.AsnType.NONE:
            if nip:
                self.add_error("nip", _("Kosongkan NIP / NI PPPK bila Anda bukan ASN, atau pilih status ASN Anda."))
            return
        if not nip:
            self.add_error("nip", _("NIP / NI PPPK wajib diisi untuk PNS, CPNS dan PPPK."))
            return
        try:
            parsed = identity.parse_nip(nip, pppk=asn_type == User.AsnType.PPPK)
        except ValidationError as exc:
            self.add_error("nip", exc)
            return
        if self.refuse_taken_numbers and User.objects.filter(nip=parsed.digits).exclude(pk=self.instance.pk).exists():
            self.add_error("nip", _("NIP / NI PPPK ini sudah terdaftar pada akun lain. Bila ini nomor Anda, hubungi loket layanan."))
            return
        cleaned["nip"] = parsed.digits
        self.warnings.extend(parsed.warnings)
        if self._parsed_nik is not None:
            self.warnings.extend(identity.cross_check(self._parsed_nik, parsed))


class RegistrationForm(IdentityFieldsMixin, auth_forms.SetPasswordMixin, forms.ModelForm):
    # A taken e-mail address, NIK or NIP must not produce an error (see services.register).
    refuse_taken_numbers = False

    # Not the model field: a taken address must not produce an error either.
    email = forms.EmailField(
        label=_("Alamat e-mail"), max_length=254,
        help_text=_("Kami kirim tautan verifikasi ke alamat ini. Alamat ini juga Anda pakai untuk masuk."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    nik, nip = identity_number_fields()
    password1, password2 = auth_forms.SetPasswordMixin.create_password_fields(
        label1=_("Kata sandi"), label2=_("Ulangi kata sandi")
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Centang persetujuan ini untuk mendaftar; tanpa data tersebut permohonan tidak dapat diproses.")},
    )

    field_order = ["email", "full_name", "phone", "nik", "asn_type", "nip", "rank", "position", "work_unit",
                   "password1", "password2", "consent"]

    class Meta:
        model = User
        fields = PROFILE_FIELDS
        widgets = IDENTITY_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_identity_fields()
        self.fields["password2"].help_text = _("Ketik kata sandi yang sama sekali lagi.")
        # The short label names the field in the error summary; the template shows the full statement.
        self.fields["consent"].label = _("Persetujuan pemrosesan data pribadi")
        self.consent_statement = _(
            "Saya menyetujui pemrosesan data pribadi saya (nama, kontak, NIK, NIP dan data kepegawaian) oleh "
            "%(agency)s untuk memverifikasi identitas saya dan memproses permohonan layanan kepegawaian yang saya "
            "ajukan, sesuai Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi."
        ) % {"agency": settings.AGENCY_SHORT_NAME}

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        self.clean_identity(cleaned)
        self.validate_passwords()
        return cleaned

    def _get_validation_exclusions(self):
        # The model's unique NIK/NIP constraints would answer "taken" (see refuse_taken_numbers); clean_nik and
        # clean_identity have already checked both numbers, and services.register handles a taken one.
        return super()._get_validation_exclusions() | {"nik", "nip"}

    def _post_clean(self):
        super()._post_clean()
        # The similarity validator compares the password with the e-mail and name.
        self.instance.email = self.cleaned_data.get("email", "")
        self.validate_password_for_user(self.instance)


class ProfileForm(IdentityFieldsMixin, forms.ModelForm):
    nik, nip = identity_number_fields()
    current_password = forms.CharField(
        label=_("Kata sandi saat ini"), required=False, strip=False,
        help_text=_("Hanya diperlukan bila Anda mengganti alamat e-mail."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    field_order = ["full_name", "phone", "nik", "asn_type", "nip", "rank", "position", "work_unit",
                   "email", "current_password"]

    class Meta:
        model = User
        fields = ("email", *PROFILE_FIELDS)
        widgets = {**IDENTITY_WIDGETS, "email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_identity_fields()
        # Officers' accounts may be created by an administrator without a NIK or phone number.
        self.fields["nik"].required = self.fields["phone"].required = not self.instance.is_staff
        self.fields["email"].help_text = _("Bila diganti, alamat baru perlu diverifikasi lagi lewat tautan yang kami kirim.")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Alamat e-mail ini sudah dipakai akun lain."), code="taken")
        return email

    def clean(self):
        cleaned = super().clean()
        self.clean_identity(cleaned)
        email = cleaned.get("email")
        if email and email != self.instance.email.lower():
            if not self.instance.check_password(cleaned.get("current_password") or ""):
                self.add_error("current_password", _("Kata sandi salah. Untuk mengganti e-mail, masukkan kata sandi Anda saat ini."))
        return cleaned


class LoginForm(auth_forms.AuthenticationForm):
    """E-mail and password. The e-mail field keeps the name "username" that django-axes watches."""

    error_messages = {
        "invalid_login": _("Alamat e-mail atau kata sandi salah. Periksa kembali, atau pakai “Lupa kata sandi”."),
        "inactive": _("Akun ini dinonaktifkan. Hubungi loket layanan."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Alamat e-mail")
        self.fields["username"].widget.input_type = "email"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "inputmode": "email"})
        self.fields["password"].label = _("Kata sandi")


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form (same answer whether or not the address exists), but the e-mail
    goes out through our template triple and the Celery task, like every other e-mail."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Alamat e-mail akun Anda")

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        # One link per account every RESET_MAIL_INTERVAL: repeated requests cannot flood an inbox.
        # The page shown stays the same, so this reveals nothing either.
        if not cache.add(f"accounts:reset-mail:{context['user'].pk}", 1, RESET_MAIL_INTERVAL):
            return
        send_after_commit("account-password-reset", to_email, {
            "user": context["user"], "uid": context["uid"], "token": context["token"],
            "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        })


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Kata sandi saat ini")
        self.fields["new_password1"].label = _("Kata sandi baru")
        self.fields["new_password2"].label = _("Ulangi kata sandi baru")


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Kata sandi baru")
        self.fields["new_password2"].label = _("Ulangi kata sandi baru")



class DeleteAccountForm(forms.Form):
    """"Hapus akun": the current password, so that an unattended session cannot delete the account."""

    password = forms.CharField(
        label=_("Kata sandi Anda"), strip=False,
        help_text=_("Ketik kata sandi Anda untuk memastikan bahwa Anda sendiri yang menghapus akun ini."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Kata sandi salah. Akun tidak dihapus."), code="password_incorrect")
        return password
