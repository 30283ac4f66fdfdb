"""Audit entries are written once: no save of an existing entry, no delete, no bulk update,
no permission anybody could be given to change them. Deleting a person keeps what they did."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from audit.actions import record
from audit.models import AppendOnlyError, AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(site_admin, employee):
    return record(AuditAction.ADMIN_GRANTED, actor=site_admin, target=employee)


def test_an_entry_cannot_be_saved_again(entry):
    written = entry.actor_name
    entry.actor_name = "somebody else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).actor_name == written


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_entries_cannot_be_updated_in_bulk(entry):
    written = entry.actor_name
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_name="somebody else")
    entry.actor_name = "somebody else"
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["actor_name"])
    assert AuditEntry.objects.get(pk=entry.pk).actor_name == written


def test_there_is_no_permission_to_hand_out_for_entries():
    content_type = ContentType.objects.get_for_model(AuditEntry)
    assert not Permission.objects.filter(content_type=content_type).exists()


def test_deleting_a_person_keeps_their_entries_under_the_name_they_had(entry, site_admin, employee):
    admin_name = f"{site_admin.get_full_name()} (siteadmin)"
    site_admin.delete()
    employee.delete()
    kept = AuditEntry.objects.get(pk=entry.pk)
    assert (kept.actor, kept.target) == (None, None)
    assert (kept.actor_name, kept.target_name) == (admin_name, "Emil Ployee (employee)")
