"""Every URL that accepts a password is django-allauth's, so no login skips two-factor
authentication or the login rate limits. The guard walks the whole URL resolver."""

from __future__ import annotations

import inspect
import re

import pytest
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password

# What a view that checks a password contains (besides subclassing Django's LoginView).
AUTHENTICATING_SOURCE = ("authenticate(", "AuthenticationForm", "check_password(")
# Wagtail's admin password reset: mounted by the admin include, switched off by
# WAGTAIL_PASSWORD_RESET_ENABLED = False (its views then answer 404; asserted below).
SWITCHED_OFF = ("admin/password_reset/",)


def all_routes(resolver=None, prefix: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from all_routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def authenticates(callback) -> bool:
    view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
    if getattr(view, "__module__", "").startswith("allauth."):
        return False
    if isinstance(view, type) and issubclass(
        view, auth_views.LoginView | auth_views.PasswordResetConfirmView
    ):
        return True
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        return False
    return any(marker in source for marker in AUTHENTICATING_SOURCE)


def sample_path(route: str) -> str:
    route = re.sub(r"<(?:int:)?\w+>", "1", route.replace("<int:", "<"))
    return "/" + route.lstrip("^").rstrip("$")


def test_no_view_outside_allauth_authenticates_a_password_at_a_reachable_url(
    client, employee, site_tree
):
    offenders = []
    for route, callback in all_routes():
        if not authenticates(callback):
            continue
        path = sample_path(route)
        try:
            reachable = resolve(path).func is callback
        except Resolver404:
            reachable = False
        if not reachable:
            continue  # shadowed by an earlier pattern, e.g. our redirect at admin/login/
        if route.startswith(SWITCHED_OFF):
            for user in (None, employee):
                if user is not None:
                    client.force_login(user)
                response = client.get(path)
                assert response.status_code in (302, 404), path
                if response.status_code == 302:
                    assert response["Location"].startswith("/accounts/login/"), path
            continue
        offenders.append(route)
    assert offenders == []


def test_the_guard_recognises_a_password_login_view():
    assert authenticates(auth_views.LoginView.as_view())


@pytest.mark.parametrize("path", ["/_util/login/", "/admin/login/"])
def test_wagtails_login_addresses_only_send_people_to_allauth(client, employee, site_tree, path):
    statuses = [
        client.post(path, {"username": "employee", "password": "wrong"}).status_code
        for _ in range(12)
    ]
    assert set(statuses) == {302}
    response = client.post(path, {"username": "employee", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_user_with_two_factor_authentication_is_not_signed_in_by_password_alone(
    client, employee, site_tree
):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(
        user=employee, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    for path in ("/_util/login/", "/admin/login/"):
        client.post(path, {"username": "employee", "password": PASSWORD})
        assert "_auth_user_id" not in client.session
    response = client.post("/accounts/login/", {"login": "employee", "password": PASSWORD})
    assert response.status_code == 302
    assert "/accounts/2fa/authenticate/" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_the_login_redirect_keeps_a_local_next_address_only(client, site_tree):
    response = client.get("/_util/login/?next=/spaces/")
    assert response["Location"] == "/accounts/login/?next=%2Fspaces%2F"
    response = client.get("/_util/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/"


@pytest.mark.parametrize("secure", [True, False])
def test_the_language_cookie_is_secure_exactly_when_the_session_cookie_is(
    client_for, employee, site_tree, settings, secure
):
    settings.LANGUAGE_COOKIE_SECURE = settings.SESSION_COOKIE_SECURE = secure
    response = client_for(employee).post("/language/", {"language": "de", "next": "/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert bool(cookie["secure"]) is secure
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_the_did_you_mean_link_keeps_a_single_question_mark(client_for, employee, site_tree):
    from django.template.loader import get_template

    source = get_template("search/search.html").template.source
    assert '"?{% querystring' not in source
    assert "{% querystring q=results.did_you_mean" in source
