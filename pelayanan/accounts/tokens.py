"""One-time links for e-mail verification.

Same machinery as Django's password-reset links (HMAC over the user's state, valid for
PASSWORD_RESET_TIMEOUT): a link stops working once the address is verified or changed.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "pelayanan.accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.email_verified}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
