"""Reports → Audit log in the Wagtail admin: site admins filter, page through and download
it as CSV; everybody else is turned away like from every admin page they may not open."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from audit.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

LOG = "/admin/reports/audit-log/"
RESULTS = "/admin/reports/audit-log/results/"


def at(day: int) -> datetime:
    return timezone.make_aware(datetime(2026, 3, day, 10, 30))


def entry(**fields) -> AuditEntry:
    """An entry as the log holds it (appending is what the log allows)."""
    values = {
        "action": AuditAction.MEMBERSHIP_ADDED,
        "at": at(10),
        "actor_name": "Mo Derator (moderator)",
        "target_name": "Emil Ployee (employee)",
        "space_id": 7,
        "space_title": "Open Kitchen",
        "details": {"role": {"before": None, "after": "editor"}},
        "ip_address": "203.0.113.7",
        "user_agent": "Firefox",
        **fields,
    }
    return AuditEntry.objects.create(**values)


@pytest.fixture
def log(db) -> dict[str, AuditEntry]:
    return {
        "added": entry(),
        "promoted": entry(
            action=AuditAction.MEMBERSHIP_ROLE_CHANGED,
            at=at(12),
            target_name="Rita Reader (reader)",
            details={"role": {"before": "reader", "after": "editor"}},
        ),
        "hidden": entry(
            action=AuditAction.SPACE_VISIBILITY_CHANGED,
            at=at(14),
            actor_name="Sam Admin (spaceadmin)",
            target_name="",
            space_id=8,
            space_title="Zanzibar Secret",
            details={"visibility": {"before": "open", "after": "members"}},
        ),
        "granted": entry(
            action=AuditAction.ADMIN_GRANTED,
            at=at(20),
            actor_name="",
            target_name="Otto Outside (outsider)",
            space_id=None,
            space_title="",
            details={"right": "site_admin"},
            ip_address=None,
            user_agent="",
        ),
    }


def listed(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def exported(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


# --- the list -------------------------------------------------------------------------------


def test_a_site_admin_reads_the_log_newest_first(client_for, site_admin, log):
    html = listed(client_for(site_admin).get(LOG))
    assert "Audit log" in html
    names = ["Otto Outside (outsider)", "Sam Admin (spaceadmin)", "Rita Reader (reader)"]
    assert [html.index(name) for name in names] == sorted(html.index(name) for name in names)
    assert "reader → editor" in html
    assert "203.0.113.7" in html
    assert "System" in html  # the entry no person made


@pytest.mark.parametrize(
    ("query", "shown", "not_shown"),
    [
        ({"action": "membership.role_changed"}, "Rita Reader", "Emil Ployee"),
        ({"actor": "spaceadmin"}, "Zanzibar Secret", "Rita Reader"),
        ({"target": "rita"}, "Rita Reader", "Emil Ployee"),
        ({"space": "zanzibar"}, "Sam Admin", "Rita Reader"),
        ({"at_from": "2026-03-11", "at_to": "2026-03-14"}, "Sam Admin", "Emil Ployee"),
        ({"at_from": "2026-03-15"}, "Otto Outside", "Sam Admin"),
    ],
)
def test_the_list_filters(client_for, site_admin, log, query, shown, not_shown):
    html = listed(client_for(site_admin).get(RESULTS, query))
    assert shown in html
    assert not_shown not in html


def test_the_list_pages_through_long_logs(client_for, site_admin, db):
    for day in range(1, 29):
        for hour in range(2):
            entry(at=at(day).replace(hour=hour), target_name=f"Person {day}-{hour}")
    entry(at=at(1).replace(hour=0, minute=0), target_name="The very first")
    browser = client_for(site_admin)
    assert "The very first" not in listed(browser.get(LOG))
    assert "The very first" in listed(browser.get(LOG, {"p": "2"}))
    assert "Person 28-1" in listed(browser.get(LOG, {"p": "nonsense"}))


def test_there_is_no_address_to_change_or_delete_an_entry(client_for, site_admin, log):
    browser = client_for(site_admin)
    for suffix in ("edit/", "delete/", f"{log['added'].pk}/", f"{log['added'].pk}/delete/"):
        assert browser.get(LOG + suffix).status_code == 404


def test_the_menu_offers_the_log_to_site_admins_only(client_for, site_admin, employee):
    assert LOG in listed(client_for(site_admin).get("/admin/"))
    staff = with_admin_access(employee)
    assert LOG not in listed(client_for(staff).get("/admin/"))


def test_the_list_speaks_german_to_a_german_admin(client_for, site_admin, log):
    html = listed(client_for(site_admin).get(LOG, headers={"Accept-Language": "de"}))
    assert 'lang="de"' in html
    assert "Mitglied hinzugefügt" in html  # an action
    assert re.search(r">\s*Bereich\s*<", html)  # a column
    assert "CSV herunterladen" in html  # Wagtail's own button


# --- the export -----------------------------------------------------------------------------


def test_the_export_holds_every_column_of_the_filtered_entries(client_for, site_admin, log):
    rows = exported(client_for(site_admin).get(LOG, {"export": "csv", "space": "kitchen"}))
    assert [row["Person concerned"] for row in rows] == [
        "Rita Reader (reader)",
        "Emil Ployee (employee)",
    ]
    promoted = rows[0]
    assert promoted["Action"] == "membership.role_changed"
    assert promoted["Description"] == "Member role changed"
    assert promoted["Changed by"] == "Mo Derator (moderator)"
    assert promoted["Space"] == "Open Kitchen" and promoted["Space id"] == "7"
    assert promoted["Details"] == '{"role": {"after": "editor", "before": "reader"}}'
    assert promoted["IP address"] == "203.0.113.7" and promoted["Browser"] == "Firefox"
    assert promoted["When"] == "2026-03-12T10:30:00+01:00"


def test_the_export_names_the_system_and_leaves_unknown_fields_empty(client_for, site_admin, log):
    (row,) = exported(client_for(site_admin).get(LOG, {"export": "csv", "target": "outsider"}))
    assert row["Changed by"] == "System"
    assert row["Changed by (user id)"] == row["IP address"] == row["Space id"] == ""


def test_the_export_neutralises_formulas(client_for, site_admin, db):
    entry(
        actor_name='=HYPERLINK("http://evil.example")',
        target_name="+1+1",
        space_title="-2+3",
        user_agent="@SUM(A1)",
        details={"group": "=cmd"},
    )
    (row,) = exported(client_for(site_admin).get(LOG, {"export": "csv", "target": "+1+1"}))
    assert row["Changed by"] == '\'=HYPERLINK("http://evil.example")'
    assert row["Person concerned"] == "'+1+1"
    assert row["Space"] == "'-2+3"
    assert row["Browser"] == "'@SUM(A1)"
    assert row["Details"] == '{"group": "=cmd"}'  # starts with "{": nothing to run


def test_an_export_with_an_invalid_date_is_refused_not_widened(client_for, site_admin, log):
    response = client_for(site_admin).get(LOG, {"export": "csv", "at_from": "yesterday"})
    assert response.status_code == 400
    assert "Date" in response.content.decode()


def test_the_export_is_in_the_admins_language(client_for, site_admin, log):
    rows = exported(
        client_for(site_admin).get(
            LOG, {"export": "csv", "action": "membership.added"}, headers={"Accept-Language": "de"}
        )
    )
    assert rows[0]["Bereich"] == "Open Kitchen"  # a heading
    assert "Mitglied hinzugefügt" in rows[0].values()  # an action


# --- who may not ----------------------------------------------------------------------------


def with_admin_access(user):
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.mark.parametrize("address", [LOG, RESULTS, LOG + "?export=csv"])
def test_an_employee_is_sent_away(client_for, employee, log, address):
    response = client_for(employee).get(address)
    assert response.status_code == 302
    assert "Otto Outside" not in response.content.decode()


@pytest.mark.parametrize("address", [LOG, RESULTS, LOG + "?export=csv"])
def test_staff_with_admin_access_who_are_not_site_admins_are_refused(
    client_for, employee, log, address
):
    response = client_for(with_admin_access(employee)).get(address)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert not response.streaming
    assert "Otto Outside" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, log):
    response = client.get(LOG + "?export=csv")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_log_refuses_post(client_for, site_admin, log):
    before = AuditEntry.objects.count()
    assert client_for(site_admin).post(LOG).status_code == 405
    assert client_for(site_admin).post(LOG + "?export=csv").status_code == 405
    assert AuditEntry.objects.count() == before
