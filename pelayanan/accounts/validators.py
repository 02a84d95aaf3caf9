"""Password validators of our own, beside Django's (settings.AUTH_PASSWORD_VALIDATORS)."""

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class MaximumLengthValidator:
    """Refuses passwords longer than `max_length` characters.

    Long passphrases are welcome (NIST SP 800-63B asks for at least 64 characters to be allowed); the bound
    only keeps a megabyte-long "password" from tying up the hasher.
    """

    def __init__(self, max_length=128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(self._message(), code="password_too_long", params={"max_length": self.max_length})

    def get_help_text(self):
        return self._message() % {"max_length": self.max_length}

    def _message(self):
        return ngettext(
            "Kata sandi paling panjang %(max_length)d karakter.",
            "Kata sandi paling panjang %(max_length)d karakter.",
            self.max_length,
        )
