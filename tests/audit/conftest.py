"""Helpers for the audit log's tests: a browser at a known address, and the entries of one
kind."""

from __future__ import annotations

import pytest
from django.test import Client

from audit.models import AuditEntry

IP = "203.0.113.7"
USER_AGENT = "Mozilla/5.0 (AuditTest) Firefox/140.0"


@pytest.fixture
def browser_for():
    """`browser_for(user)`: a test client logged in as that user, whose requests come from
    `IP` with `USER_AGENT`."""

    def make(user) -> Client:
        client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=USER_AGENT)
        client.force_login(user)
        return client

    return make


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def only_entry(action: str) -> AuditEntry:
    found = entries(action)
    assert len(found) == 1, [(e.action, e.target_name, e.details) for e in found]
    return found[0]
