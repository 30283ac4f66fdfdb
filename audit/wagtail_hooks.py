"""The audit log's place in the Wagtail admin: Reports → Audit log, for site admins."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import AdminOnlyMenuItem

from audit.receivers import GroupPermissionRecorder
from audit.views import AuditLogView


@hooks.register("register_admin_urls")
def register_audit_log_urls() -> list:
    return [
        path("reports/audit-log/", AuditLogView.as_view(), name="audit_log"),
        path(
            "reports/audit-log/results/",
            AuditLogView.as_view(results_only=True),
            name="audit_log_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_audit_log_menu_item() -> AdminOnlyMenuItem:
    return AdminOnlyMenuItem(_("Audit log"), reverse("audit_log"), icon_name="list-ul", order=950)


@hooks.register("register_group_permission_panel", order=10_000)
def register_group_permission_recorder() -> type[GroupPermissionRecorder]:
    # Last of the panels: it compares after every other panel has saved.
    return GroupPermissionRecorder
