"""Forms of the two-factor pages (pelayanan/otp.py holds the rules)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A 6-digit code from the authenticator app; with `allow_backup`, a backup code as well."""

    code = forms.CharField(
        label=_("Kode verifikasi"), max_length=20, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                      "spellcheck": "false", "autocapitalize": "off"}),
    )

    def __init__(self, *args, allow_backup=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_backup = allow_backup
        if allow_backup:
            self.fields["code"].help_text = _("6 angka dari aplikasi autentikator, atau salah satu kode cadangan (8 huruf dan angka).")
            self.fields["code"].widget.attrs["inputmode"] = "text"
        else:
            self.fields["code"].help_text = _("6 angka yang tampil di aplikasi autentikator.")

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).lower()
        if len(code) == 6 and code.isdigit():
            return code
        if self.allow_backup and len(code) == 8 and code.isalnum():
            return code
        if self.allow_backup:
            raise ValidationError(_("Ketik 6 angka dari aplikasi autentikator, atau kode cadangan 8 karakter."), code="invalid")
        raise ValidationError(_("Ketik 6 angka dari aplikasi autentikator."), code="invalid")


class DisableForm(forms.Form):
    """Turning two-factor off asks for the password again."""

    password = forms.CharField(
        label=_("Kata sandi Anda"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Kata sandi salah."), code="invalid")
        return password
