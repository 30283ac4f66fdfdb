"""Changes made in the Wagtail admin's own editors, which pass through no action of ours, land
in the audit log too: a deleted space, and the page and collection permissions of a group."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from audit.models import AuditAction
from intranet.models import SpacePage
from tests.audit.conftest import IP, entries, only_entry
from tests.factories import make_wiki_page

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """The values a browser would send for the first form with method POST on a page:
    hidden and text inputs, ticked boxes and the selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = self._done = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        found = dict(attrs)
        if self._done:
            return
        if tag == "form" and (found.get("method") or "").lower() == "post":
            self._in_form = True
        if not self._in_form or not found.get("name") and tag != "option":
            return
        if tag == "input":
            kind = found.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in found:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append((found["name"], found.get("value") or ""))
        elif tag == "select":
            self._select = found["name"]
        elif tag == "option" and self._select and "selected" in found:
            self.fields.append((self._select, found.get("value") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def group_editor_form(client, group: Group) -> dict[str, list[str]]:
    response = client.get(f"/admin/groups/edit/{group.pk}/")
    assert response.status_code == 200
    parser = FormFields()
    parser.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    assert "page_permissions-TOTAL_FORMS" in data
    return data


def edit_permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


@pytest.fixture
def helpdesk(db) -> Group:
    return Group.objects.create(name="Helpdesk")


def test_giving_a_group_page_permissions_in_the_group_editor_is_recorded(
    browser_for, site_admin, helpdesk, open_space
):
    client = browser_for(site_admin)
    data = group_editor_form(client, helpdesk)
    index = int(data["page_permissions-TOTAL_FORMS"][0])
    data["page_permissions-TOTAL_FORMS"] = [str(index + 1)]
    data[f"page_permissions-{index}-page"] = [str(open_space.pk)]
    data[f"page_permissions-{index}-permissions"] = ["publish_page", "change_page"]

    response = client.post(f"/admin/groups/edit/{helpdesk.pk}/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert GroupPagePermission.objects.filter(group=helpdesk, page=open_space).count() == 2
    entry = only_entry(AuditAction.GROUP_CHANGED)
    assert entry.actor == site_admin
    assert entry.ip_address == IP
    where = f"on page “{open_space.title}” (#{open_space.pk})"
    assert entry.details == {
        "group": "Helpdesk",
        "added": [f"change_page {where}", f"publish_page {where}"],
    }


def test_taking_page_and_collection_permissions_away_is_recorded(
    browser_for, site_admin, helpdesk, open_space
):
    GroupPagePermission.objects.create(
        group=helpdesk, page=open_space, permission=edit_permission("publish_page")
    )
    root = Collection.get_first_root_node()
    GroupCollectionPermission.objects.create(
        group=helpdesk,
        collection=root,
        permission=Permission.objects.get(codename="add_image"),
    )
    client = browser_for(site_admin)
    data = group_editor_form(client, helpdesk)
    # Untick every page permission and every image permission, as a site admin would.
    for name in list(data):
        if name.startswith(("page_permissions-", "image_permissions-")) and name.endswith(
            "-permissions"
        ):
            data[name] = []

    response = client.post(f"/admin/groups/edit/{helpdesk.pk}/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    entry = only_entry(AuditAction.GROUP_CHANGED)
    assert entry.details == {
        "group": "Helpdesk",
        "removed": [
            f"add_image on collection “{root.name}” (#{root.pk})",
            f"publish_page on page “{open_space.title}” (#{open_space.pk})",
        ],
    }


def test_saving_a_group_unchanged_records_nothing(browser_for, site_admin, helpdesk, open_space):
    GroupPagePermission.objects.create(
        group=helpdesk, page=open_space, permission=edit_permission("publish_page")
    )
    client = browser_for(site_admin)

    response = client.post(
        f"/admin/groups/edit/{helpdesk.pk}/", group_editor_form(client, helpdesk)
    )

    assert response.status_code == 302
    assert entries(AuditAction.GROUP_CHANGED) == []


def test_a_refused_group_form_records_nothing(browser_for, site_admin, helpdesk, open_space):
    client = browser_for(site_admin)
    data = group_editor_form(client, helpdesk)
    data["name"] = [""]  # required: the editor shows the form again and saves nothing
    index = int(data["page_permissions-TOTAL_FORMS"][0])
    data["page_permissions-TOTAL_FORMS"] = [str(index + 1)]
    data[f"page_permissions-{index}-page"] = [str(open_space.pk)]
    data[f"page_permissions-{index}-permissions"] = ["publish_page"]

    response = client.post(f"/admin/groups/edit/{helpdesk.pk}/", data)

    assert response.status_code == 200
    assert not GroupPagePermission.objects.filter(group=helpdesk).exists()
    assert entries(AuditAction.GROUP_CHANGED) == []


def test_deleting_a_space_in_the_wagtail_admin_is_recorded(browser_for, site_admin, private_space):
    title, pk = private_space.title, private_space.pk

    response = browser_for(site_admin).post(f"/admin/pages/{pk}/delete/")

    assert response.status_code == 302, response.content.decode()[:2000]
    assert not SpacePage.objects.filter(pk=pk).exists()
    entry = only_entry(AuditAction.SPACE_DELETED)
    assert entry.actor == site_admin
    assert entry.ip_address == IP
    assert (entry.space_id, entry.space_title) == (pk, title)


def test_deleting_a_wiki_page_is_not_a_space_deletion(site_admin, open_space):
    make_wiki_page(open_space, "Handbook").delete()
    assert entries(AuditAction.SPACE_DELETED) == []
