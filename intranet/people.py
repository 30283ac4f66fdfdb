"""How a person is named and shown, wherever people appear: one rule for every app.

A person is shown by their full name, or by their username when they have not given one;
someone who has left the company (a deactivated account) is marked as a former employee,
since their posts, pages and comments stay under their name, and someone whose personal
data was erased (`privacy.actions.erase_personal_data`) is just "Former employee". Templates
use the same rule through the `people` template library (`{{ user|display_name }}`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

# The username an erased account is left with is this and its id: nobody may sign up so.
ERASED_USERNAME_PREFIX = "former-"


def display_name(user: AbstractUser | None) -> str:
    """The person's full name, else their username; "" for nobody (a deleted author).
    "Anna Schmidt (former employee)" for someone who has left, "Former employee" for
    someone whose personal data was erased."""
    if user is None:
        return ""
    if is_erased(user):
        return gettext("Former employee")
    name = user.get_full_name() or user.get_username()
    if not is_current(user):
        return gettext("%(name)s (former employee)") % {"name": name}
    return name


def is_current(user: AbstractUser | None) -> bool:
    """Whether the person still works here: an account that was not deactivated when they
    left (`profiles.actions.deactivate_person`)."""
    return user is not None and bool(getattr(user, "is_active", True))


def erased_username(user: AbstractUser) -> str:
    """The username an account is left with when its personal data is erased: its id."""
    return f"{ERASED_USERNAME_PREFIX}{user.pk}"


def is_erased(user: AbstractUser | None) -> bool:
    """A deactivated account whose only name is `former-<id>`: read from the row itself, so
    lists need no query per person."""
    return (
        user is not None and not is_current(user) and user.get_username() == erased_username(user)
    )


def short_name(user: AbstractUser | None) -> str:
    """What a greeting calls the person: their first name, else their username."""
    if user is None:
        return ""
    return user.get_short_name() or user.get_username()


def initials(user: AbstractUser | None) -> str:
    """Up to two capital letters for an avatar without a photo: first and last name, else
    the username's first letter."""
    if user is None:
        return ""
    letters = (user.first_name[:1] + user.last_name[:1]) or user.get_username()[:1]
    return letters.upper()
