"""The audit log in the Wagtail admin (Reports → Audit log), for site admins only: filter,
page through, download as CSV. Nothing here writes: entries are never edited or deleted."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

import django_filters
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.forms import CheckboxSelectMultiple
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import formats, timezone, translation
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.mixins import Echo
from wagtail.admin.views.reports.base import ReportView
from wagtail.admin.widgets.button import Button

from audit.models import AuditAction, AuditEntry

# A cell a spreadsheet would run as a formula starts with one of these (OWASP's list for CSV
# injection: the four operators, and tab and carriage return, which some programs skip).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_CHUNK_SIZE = 2000
NAME_FILTER_MAX_LENGTH = 300
USER_AGENT_SHOWN = 60


def neutralise_formula(value: str) -> str:
    """`value` as a spreadsheet shows it, never runs it: "=1+1" becomes "'=1+1"."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


class AuditLogFilterSet(WagtailFilterSet):
    """Names match part of a person's full or user name, or a space's title, as written down
    when the entry was made."""

    action = django_filters.MultipleChoiceFilter(
        label=_("Action"), choices=AuditAction.choices, widget=CheckboxSelectMultiple
    )
    actor = django_filters.CharFilter(
        label=_("Changed by"),
        field_name="actor_name",
        lookup_expr="icontains",
        max_length=NAME_FILTER_MAX_LENGTH,
    )
    target = django_filters.CharFilter(
        label=_("Person concerned"),
        field_name="target_name",
        lookup_expr="icontains",
        max_length=NAME_FILTER_MAX_LENGTH,
    )
    space = django_filters.CharFilter(
        label=_("Space"),
        field_name="space_title",
        lookup_expr="icontains",
        max_length=NAME_FILTER_MAX_LENGTH,
    )
    at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = AuditEntry
        fields = []


def _when(entry: AuditEntry) -> str:
    return formats.date_format(timezone.localtime(entry.at), "SHORT_DATETIME_FORMAT")


def _actor(entry: AuditEntry) -> str:
    return entry.actor_name or gettext("System")


def _browser(entry: AuditEntry) -> str:
    return Truncator(entry.user_agent).chars(USER_AGENT_SHOWN)


class AuditLogView(ReportView):
    page_title = _("Audit log")
    header_icon = "list-ul"
    filterset_class = AuditLogFilterSet
    index_url_name = "audit_log"
    index_results_url_name = "audit_log_results"
    paginate_by = 50
    default_ordering = ("-at", "-pk")
    # CSV only: it streams row by row however long the log is (XLSX is built in memory).
    FORMATS = (ReportView.FORMAT_CSV,)
    show_export_buttons = False
    columns = [
        Column("at", label=_("When"), accessor=_when),
        Column("action", label=_("Action"), accessor="get_action_display"),
        Column("actor", label=_("Changed by"), accessor=_actor),
        Column("target", label=_("Person concerned"), accessor="target_name"),
        Column("space", label=_("Space"), accessor="space_title"),
        Column("details", label=_("Details"), accessor="summary"),
        Column("ip_address", label=_("IP address")),
        Column("user_agent", label=_("Browser"), accessor=_browser),
    ]
    export_headings = {
        "at": _("When"),
        "action": _("Action"),
        "action_label": _("Description"),
        "actor": _("Changed by"),
        "actor_id": _("Changed by (user id)"),
        "target": _("Person concerned"),
        "target_id": _("Person concerned (user id)"),
        "space_id": _("Space id"),
        "space": _("Space"),
        "details": _("Details"),
        "ip_address": _("IP address"),
        "user_agent": _("Browser"),
    }
    list_export = list(export_headings)

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Inside the admin (Wagtail's require_admin_access): a refusal here is answered
        # like every admin view the person may not open.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.order_queryset(AuditEntry.objects.all())

    @cached_property
    def header_more_buttons(self) -> list[Button]:
        return [
            *super().header_more_buttons,
            Button(_("Download CSV"), url=self.csv_export_url, icon_name="download"),
        ]

    def get_filename(self) -> str:
        return f"audit-log-{timezone.localdate():%Y-%m-%d}"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not self.is_export:
            return super().get(request, *args, **kwargs)
        # The export skips the listing's context, which would load every entry to count it.
        if self.filters is not None and not self.filters.is_valid():
            return HttpResponseBadRequest(
                gettext("The filters are not valid, so nothing was exported: %(errors)s")
                % {"errors": "; ".join(self._filter_errors())},
                content_type="text/plain; charset=utf-8",
            )
        return self.write_csv_response(self.get_filtered_queryset())

    def _filter_errors(self) -> list[str]:
        form = self.filters.form
        return [f"{form[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()]

    def stream_csv(self, queryset) -> Iterator[str]:
        """Rows as they are read, in the admin's language and time zone (the response is
        sent after the view has returned, outside Wagtail's switch to them)."""
        language = translation.get_language()
        time_zone = timezone.get_current_timezone()
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export)
        with translation.override(language), timezone.override(time_zone):
            line = writer.writerow(
                {field: str(self.export_headings[field]) for field in self.list_export}
            )
        yield line
        for entry in queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE):
            with translation.override(language), timezone.override(time_zone):
                line = self.write_csv_row(writer, self.to_row_dict(entry))
            yield line

    def to_row_dict(self, entry: AuditEntry) -> dict[str, object]:
        return {
            "at": timezone.localtime(entry.at).isoformat(timespec="seconds"),
            "action": entry.action,
            "action_label": entry.get_action_display(),
            "actor": _actor(entry),
            "actor_id": entry.actor_id,
            "target": entry.target_name,
            "target_id": entry.target_id,
            "space_id": entry.space_id,
            "space": entry.space_title,
            "details": json.dumps(
                entry.details, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True
            ),
            "ip_address": entry.ip_address,
            "user_agent": entry.user_agent,
        }

    def preprocess_field_value(self, field: str, value, export_format: str):
        value = super().preprocess_field_value(field, value, export_format)
        if isinstance(value, str):
            return neutralise_formula(value)
        return value
