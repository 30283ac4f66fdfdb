"""django-allauth adapters: sign-up only for the company's e-mail domains, and a new
colleague's first stop is the "complete your profile" step."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from intranet.people import ERASED_USERNAME_PREFIX


def domain_allowed(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].strip().lower()
    return domain in settings.SIGNUP_DOMAINS


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return bool(settings.SIGNUP_DOMAINS)

    def get_signup_redirect_url(self, request) -> str:
        """Right after sign-up (also the first single sign-on), unless the person was on
        their way somewhere (`?next=`, which allauth follows first). Found by URL name: the
        profiles app serves it, and this floor imports no app above it."""
        return reverse("profiles:complete")

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not domain_allowed(email):
            raise forms.ValidationError(
                _("Sign-up is only open to company addresses (%(domains)s).")
                % {"domains": ", ".join("@" + d for d in settings.SIGNUP_DOMAINS)}
            )
        return email

    def clean_username(self, username: str, shallow: bool = False) -> str:
        """`former-<id>` is what erasing a former employee's data leaves: nobody signs up so."""
        username = super().clean_username(username, shallow=shallow)
        if username.lower().startswith(ERASED_USERNAME_PREFIX):
            raise forms.ValidationError(
                _("Usernames starting with “%(prefix)s” are reserved.")
                % {"prefix": ERASED_USERNAME_PREFIX}
            )
        return username


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on users are employees by definition: the identity provider vouches."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True
