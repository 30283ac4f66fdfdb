"""The Wagtail admin's user list offers "Erase personal data" for people who have left."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from intranet import people
from privacy.actions import can_erase


@hooks.register("register_user_listing_buttons")
def erase_button(user, request_user) -> list[Button]:
    """For deactivated accounts not erased yet (`people.is_erased` reads the row, so the
    list needs no query per row), to site admins."""
    if user.is_active or people.is_erased(user):
        return []
    if not can_erase(request_user):
        return []
    url = reverse("privacy:erase", args=[user.get_username()])
    return [Button(_("Erase personal data"), url=url, icon_name="bin", priority=90)]
