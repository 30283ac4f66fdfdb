"""Who may call the API: a usable token or a signed-in browser; the read scope never writes."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from api.actions import revoke_api_token
from api.models import ApiToken
from audit.models import AuditAction, AuditEntry
from intranet.signals import person_left


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_call_without_credentials_is_a_401_with_a_bearer_challenge(db):
    response = Client().get("/api/v1/me/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_is_a_401(db, make_token, reader):
    make_token(reader)
    assert bearer("itk_" + "x" * 43).get("/api/v1/me/").status_code == 401
    assert bearer("not-a-token").get("/api/v1/me/").status_code == 401
    malformed = Client(headers={"Authorization": "Bearer two words"})
    assert malformed.get("/api/v1/me/").status_code == 401


def test_a_token_acts_as_its_owner(make_token, reader):
    _token, raw = make_token(reader, "write")
    response = bearer(raw).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["person"]["username"] == "reader"
    assert response.json()["token_scope"] == "write"


def test_the_database_keeps_only_a_hash_and_the_first_characters(make_token, reader):
    token, raw = make_token(reader)
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in {stored.token_hash, stored.prefix}
    assert raw.startswith(stored.prefix)
    assert len(stored.prefix) < 12


def test_a_revoked_token_is_a_401(make_token, reader):
    token, raw = make_token(reader)
    assert bearer(raw).get("/api/v1/me/").status_code == 200
    revoke_api_token(token)
    assert bearer(raw).get("/api/v1/me/").status_code == 401


def test_an_expired_token_is_a_401(make_token, reader):
    _token, raw = make_token(reader, expires_at=timezone.now() - timedelta(minutes=1))
    assert bearer(raw).get("/api/v1/me/").status_code == 401


def test_a_token_that_has_not_expired_yet_works(make_token, reader):
    _token, raw = make_token(reader, expires_at=timezone.now() + timedelta(days=1))
    assert bearer(raw).get("/api/v1/me/").status_code == 200


def test_a_deactivated_persons_token_is_a_401(make_token, reader):
    _token, raw = make_token(reader)
    reader.is_active = False
    reader.save()
    assert bearer(raw).get("/api/v1/me/").status_code == 401


def test_a_leaver_loses_every_token_at_once_and_the_audit_log_says_so(
    make_token, reader, site_admin
):
    first, raw_first = make_token(reader)
    _second, raw_second = make_token(reader, "write")
    reader.is_active = False
    reader.save()
    person_left.send(sender=None, user=reader, actor=site_admin)
    assert ApiToken.objects.filter(user=reader, revoked_at__isnull=True).count() == 0
    revoked = AuditEntry.objects.filter(action=AuditAction.API_TOKEN_REVOKED, target=reader)
    assert revoked.count() == 2
    assert revoked.first().actor == site_admin
    # Even back in the company, the old tokens stay revoked.
    reader.is_active = True
    reader.save()
    assert bearer(raw_first).get("/api/v1/me/").status_code == 401
    assert bearer(raw_second).get("/api/v1/me/").status_code == 401
    assert first.prefix in {e.details["token_starts_with"] for e in revoked}


def test_a_read_token_cannot_write(api, open_space, reader):
    client = api(reader, "read")
    response = client.post("/api/v1/spaces/open-kitchen/leave/", content_type="application/json")
    assert response.status_code == 403
    assert open_space.memberships.filter(user=reader).exists()


def test_a_write_token_can_write(api, open_space, reader):
    response = api(reader, "write").post(
        "/api/v1/spaces/open-kitchen/leave/", content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"outcome": "left"}
    assert not open_space.memberships.filter(user=reader).exists()


def test_a_signed_in_browser_may_read(client_for, open_space, reader):
    response = client_for(reader).get("/api/v1/spaces/")
    assert response.status_code == 200
    assert [s["slug"] for s in response.json()["results"]] == ["open-kitchen"]


def test_a_signed_in_browser_must_send_the_csrf_token_to_write(open_space, reader):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    response = browser.post("/api/v1/spaces/open-kitchen/leave/", content_type="application/json")
    assert response.status_code == 403
    assert open_space.memberships.filter(user=reader).exists()


def test_wrong_methods_are_a_405(api, open_space, reader):
    client = api(reader, "write")
    assert client.delete("/api/v1/spaces/").status_code == 405
    assert client.put("/api/v1/spaces/open-kitchen/").status_code == 405
    assert client.get("/api/v1/spaces/open-kitchen/join/").status_code == 405
    assert client.post("/api/v1/me/").status_code == 405
    assert client.delete("/api/v1/search/").status_code == 405
