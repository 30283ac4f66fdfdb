"""/api/tokens/: people make and revoke their own tokens, site admins service tokens; a
token is shown once."""

from __future__ import annotations

import re

from django.test import Client

from api.models import ApiToken
from audit.models import AuditAction, AuditEntry
from tests.factories import UserFactory

RAW = re.compile(r'value="(itk_[-\w]{43})"')


def make_on_page(client: Client, **data) -> tuple[int, str | None]:
    data = {"name": "Reporting script", "scope": "read", "expires": "90", **data}
    response = client.post("/api/tokens/", data)
    found = RAW.search(response.content.decode())
    return response.status_code, found.group(1) if found else None


def test_anonymous_visitors_are_sent_to_the_login(db):
    response = Client().get("/api/tokens/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_new_token_is_shown_once_and_works(client_for, reader):
    client = client_for(reader)
    status, raw = make_on_page(client)
    assert status == 201 and raw is not None
    token = ApiToken.objects.get(user=reader)
    assert token.expires_at is not None and token.scope == "read" and not token.service
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me/").status_code == 200
    page = client.get("/api/tokens/")
    assert page.status_code == 200
    assert raw not in page.content.decode()
    assert token.prefix in page.content.decode()
    assert page.headers["Cache-Control"] == "private, no-store"


def test_making_a_token_is_recorded_in_the_audit_log(client_for, reader):
    _status, raw = make_on_page(client_for(reader), scope="write")
    entry = AuditEntry.objects.get(action=AuditAction.API_TOKEN_CREATED)
    assert entry.actor == reader and entry.target == reader
    assert entry.details["scope"] == "write"
    assert raw.startswith(entry.details["token_starts_with"])
    assert raw not in str(entry.details)


def test_a_token_without_a_name_is_refused_with_a_form_error(client_for, reader):
    status, raw = make_on_page(client_for(reader), name="")
    assert status == 400 and raw is None
    assert not ApiToken.objects.exists()


def test_people_revoke_their_own_tokens(client_for, reader):
    client = client_for(reader)
    _status, raw = make_on_page(client)
    token = ApiToken.objects.get(user=reader)
    response = client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action=AuditAction.API_TOKEN_REVOKED, actor=reader).exists()
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me/").status_code == 401


def test_nobody_revokes_someone_elses_token(client_for, make_token, reader, outsider, site_admin):
    token, _raw = make_token(reader)
    assert client_for(outsider).post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    # Site admins manage service tokens, not colleagues' personal ones.
    assert client_for(site_admin).post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_lists_only_my_own_tokens(client_for, make_token, reader, outsider):
    make_token(reader, name="Readers secret script")
    page = client_for(outsider).get("/api/tokens/").content.decode()
    assert "Readers secret script" not in page


def test_revoking_takes_post(client_for, make_token, reader):
    token, _raw = make_token(reader)
    assert client_for(reader).get(f"/api/tokens/{token.pk}/revoke/").status_code == 405
    assert client_for(reader).delete("/api/tokens/").status_code == 405
    assert client_for(reader).post("/api/tokens/99999999999999999999/revoke/").status_code == 404


def test_a_site_admin_makes_a_service_token_for_a_service_account(client_for, site_admin):
    account = UserFactory(username="hr-sync")
    response = client_for(site_admin).post(
        "/api/tokens/service/",
        {
            "service-account": "hr-sync",
            "service-name": "HR sync",
            "service-scope": "write",
            "service-expires": "",
        },
    )
    assert response.status_code == 201
    raw = RAW.search(response.content.decode()).group(1)
    token = ApiToken.objects.get(user=account)
    assert token.service and token.created_by == site_admin and token.expires_at is None
    me = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me/").json()
    assert me["person"]["username"] == "hr-sync"
    entry = AuditEntry.objects.get(action=AuditAction.API_TOKEN_CREATED)
    assert entry.actor == site_admin and entry.target == account and entry.details["service"]
    # Other site admins see it and may revoke it.
    other_admin = UserFactory(username="admin2", is_superuser=True, is_staff=True)
    assert "HR sync" in client_for(other_admin).get("/api/tokens/").content.decode()
    assert client_for(other_admin).post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_service_token_cannot_act_as_a_site_admin(client_for, site_admin):
    UserFactory(username="root-bot", is_superuser=True)
    response = client_for(site_admin).post(
        "/api/tokens/service/",
        {"service-account": "root-bot", "service-name": "x", "service-scope": "read"},
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_only_site_admins_make_service_tokens(client_for, reader, employee):
    response = client_for(reader).post(
        "/api/tokens/service/",
        {"service-account": "employee", "service-name": "x", "service-scope": "write"},
    )
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
    assert "Service tokens" not in client_for(reader).get("/api/tokens/").content.decode()


def test_people_cannot_revoke_service_tokens(client_for, make_token, reader, employee):
    token, _raw = make_token(employee, service=True)
    assert client_for(reader).post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    # Not even the service account itself, should someone sign in as it.
    assert client_for(employee).post(f"/api/tokens/{token.pk}/revoke/").status_code == 404


def test_an_expired_token_says_so_and_offers_no_revoke_button(client_for, make_token, reader):
    from datetime import timedelta

    from django.utils import timezone

    token, _raw = make_token(reader, expires_at=timezone.now() - timedelta(days=1))
    page = client_for(reader).get("/api/tokens/").content.decode()
    assert "expired on" in page
    assert f"/api/tokens/{token.pk}/revoke/" not in page
