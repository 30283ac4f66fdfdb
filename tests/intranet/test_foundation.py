import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_home_requires_login(client, site_tree):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_shows_the_dashboard_to_an_employee(client_for, employee, site_tree):
    response = client_for(employee).get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "My spaces" in body and "Newest posts" in body and "New colleagues" in body


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


def test_wagtail_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fpages%2F"


def test_wagtail_admin_redirects_anonymous_users_to_allauth(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] or "/admin/login/" in response["Location"]


def test_wagtail_password_form_cannot_log_anyone_in(client, site_admin):
    client.post("/admin/login/", {"username": "siteadmin", "password": "correct-horse-battery"})
    assert "_auth_user_id" not in client.session


def test_unknown_page_is_a_friendly_404(client_for, employee, site_tree):
    response = client_for(employee).get("/no/such/page/")
    assert response.status_code == 404
    assert b"This page does not exist" in response.content


def test_language_switch_is_remembered_on_the_profile(client_for, employee, site_tree):
    client = client_for(employee)
    response = client.post("/language/", {"language": "de", "next": "/"})
    assert response.status_code == 302
    employee.profile.refresh_from_db()
    assert employee.profile.preferred_language == "de"
    assert "Startseite" in client.get("/").content.decode()


def test_language_switch_ignores_foreign_next_urls(client_for, employee):
    response = client_for(employee).post(
        "/language/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_language_switch_refuses_get(client_for, employee):
    assert client_for(employee).get("/language/").status_code == 405


def test_seed_demo_is_idempotent_and_prints_a_manifest(capsys, settings):
    import json

    settings.DEMO_PASSWORD = "intranet-demo"
    call_command("seed_demo", people=8, posts=4, wiki=4, spaces=6)
    call_command("seed_demo", people=8, posts=4, wiki=4, spaces=6, json=True)
    manifest = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {u["username"] for u in manifest["users"]} >= {"anna", "ben", "clara"}
    assert len(manifest["spaces"]) == 6
    assert any(s["visibility"] == "members" for s in manifest["spaces"])
    ben = next(u for u in manifest["users"] if u["username"] == "ben")
    private = {s["slug"] for s in manifest["spaces"] if s["visibility"] == "members"}
    assert not private & set(ben["spaces"])

    from django.contrib.auth import get_user_model

    from blogs.models import BlogPostPage

    assert get_user_model().objects.count() == 8
    assert BlogPostPage.objects.count() == 4


def test_production_refuses_the_development_secret_key(monkeypatch):
    import importlib

    import intranet.settings as project_settings

    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("INTRANET_TESTING", "false")
    monkeypatch.setenv("SECRET_KEY", project_settings.DEV_SECRET_KEY)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        importlib.reload(project_settings)
    monkeypatch.setenv("INTRANET_TESTING", "true")
    importlib.reload(project_settings)


def test_a_bad_database_url_names_the_variable(monkeypatch):
    from intranet.settings import database_from_env

    monkeypatch.setenv("DATABASE_URL", "nonsense://")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_env("DATABASE_URL", "sqlite:///x")


def test_a_bad_boolean_names_the_variable(monkeypatch):
    from intranet.settings import env_bool

    monkeypatch.setenv("DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", False)


@override_settings(SIGNUP_DOMAINS=["example.com"])
def test_signup_refuses_other_domains(client, site_tree):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "mallory@gmail.com",
            "username": "mallory",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )
    assert response.status_code == 200
    assert "only open to company addresses" in response.content.decode()


@override_settings(SIGNUP_DOMAINS=["example.com"])
def test_signup_accepts_company_domain(client, site_tree):
    from django.contrib.auth import get_user_model

    response = client.post(
        "/accounts/signup/",
        {
            "email": "newbie@example.com",
            "username": "newbie",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="newbie").exists()


@override_settings(SIGNUP_DOMAINS=["example.com"])
def test_signup_refuses_the_usernames_erased_accounts_are_left_with(client, site_tree):
    from django.contrib.auth import get_user_model

    response = client.post(
        "/accounts/signup/",
        {
            "email": "sneaky@example.com",
            "username": "Former-7",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )
    assert response.status_code == 200
    assert "are reserved" in response.content.decode()
    assert not get_user_model().objects.filter(email="sneaky@example.com").exists()


def test_login_with_email_or_username(client, employee, site_tree):
    for login in ("employee", "employee@example.com"):
        client.logout()
        response = client.post(
            "/accounts/login/", {"login": login, "password": "correct-horse-battery"}
        )
        assert response.status_code == 302, login
        assert "_auth_user_id" in client.session


def test_a_permission_denied_message_reaches_the_403_page(rf, employee):
    from django.core.exceptions import PermissionDenied

    from intranet.views import permission_denied

    request = rf.get("/")
    request.user = employee
    response = permission_denied(request, PermissionDenied("Ask a moderator of Bakery."))
    assert response.status_code == 403
    assert b"Ask a moderator of Bakery." in response.content
