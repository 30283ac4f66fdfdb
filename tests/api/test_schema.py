"""The OpenAPI schema and its docs, for signed-in employees."""

from __future__ import annotations

from django.test import Client


def test_the_schema_is_served_to_a_signed_in_employee(client_for, employee):
    response = client_for(employee).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/posts/" in schema["paths"]
    assert "bearerAuth" in schema["components"]["securitySchemes"]
    # Only the intranet's API: Wagtail's admin API is not part of it.
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_the_schema_is_served_to_a_token(api, employee):
    assert api(employee).get("/api/schema/").status_code == 200


def test_the_schema_is_not_served_anonymously(db):
    assert Client().get("/api/schema/").status_code == 401


def test_the_docs_are_served_to_a_signed_in_employee_from_our_own_static_files(
    client_for, employee
):
    response = client_for(employee).get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
    # No inline script or style: the Content-Security-Policy would refuse them.
    assert "<script>" not in page and "<style" not in page
    script = client_for(employee).get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_anonymous_visitors_of_the_docs_are_sent_to_the_login(db):
    response = Client().get("/api/docs/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_api_root_leads_to_the_docs(client_for, employee):
    response = client_for(employee).get("/api/")
    assert response.status_code == 302 and response["Location"] == "/api/docs/"
    assert client_for(employee).post("/api/").status_code == 405


def test_the_docs_take_only_get(client_for, employee):
    assert client_for(employee).post("/api/docs/").status_code == 405
