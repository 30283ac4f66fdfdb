"""The "Searches without results" report in the Wagtail admin, for site admins only."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import AdminOnlyMenuItem

from search import views


@hooks.register("register_admin_urls")
def register_zero_results_url() -> list:
    return [
        path(
            "reports/searches-without-results/",
            views.zero_results_report,
            name="search_zero_results",
        )
    ]


@hooks.register("register_reports_menu_item")
def register_zero_results_menu_item() -> AdminOnlyMenuItem:
    return AdminOnlyMenuItem(
        _("Searches without results"),
        reverse("search_zero_results"),
        icon_name="search",
        order=900,
    )
