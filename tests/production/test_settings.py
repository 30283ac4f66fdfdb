"""Production settings: `check --deploy`, refusing unsafe start-up, static files."""

from __future__ import annotations

import json


def test_check_deploy_is_clean_with_production_values(run_production):
    result = run_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_when_https_settings_are_switched_off(run_production):
    # Proves the test above would notice a regression: the check is really running.
    result = run_production(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="false"
    )
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_production_refuses_to_start_with_the_development_secret_key(run_production):
    result = run_production(
        "manage.py", "check", SECRET_KEY="dev-only-insecure-secret-key-change-me"
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_serves_compressed_hashed_static_files(run_production, tmp_path):
    result = run_production("manage.py", "collectstatic", "--noinput", "-v0")
    assert result.returncode == 0, result.stderr
    static = tmp_path / "var" / "static"
    manifest = json.loads((static / "staticfiles.json").read_text())
    hashed = manifest["paths"]["intranet/site.css"]
    assert hashed != "intranet/site.css"
    assert (static / hashed).exists()
    assert (static / (hashed + ".gz")).exists()


def test_security_headers_are_on_in_production(run_production):
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz', HTTP_HOST='intranet.example.com', secure=True)\n"
        "print(r.status_code)\n"
        "print(r.headers.get('Strict-Transport-Security'))\n"
        "print(r.headers.get('Content-Security-Policy'))\n"
        "r = Client().get('/accounts/login/', HTTP_HOST='intranet.example.com')\n"
        "print(r.status_code, r.headers.get('Location'))\n"
    )
    result = run_production("-c", script)
    assert result.returncode == 0, result.stderr
    status, hsts, csp, redirect = result.stdout.strip().splitlines()[-4:]
    assert status in {"200", "503"}  # the headers matter here, not the empty database
    assert "max-age=31536000" in hsts
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert redirect == "301 https://intranet.example.com/accounts/login/"


def test_proxy_header_is_trusted_only_when_configured(run_production):
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('collectstatic', interactive=False, verbosity=0)\n"
        "from django.test import Client\n"
        "r = Client(raise_request_exception=False).get('/accounts/login/',"
        " HTTP_HOST='intranet.example.com', HTTP_X_FORWARDED_PROTO='https')\n"
        "print(r.status_code)\n"
    )
    assert run_production("-c", script).stdout.strip() == "301"
    # Trusted, the request counts as HTTPS and reaches the view (which fails here only
    # because this database has no tables: that is a 500, not a redirect).
    assert run_production("-c", script, SECURE_PROXY="true").stdout.strip() == "500"


def test_the_language_cookie_is_secure_behind_the_tls_proxy(run_production):
    script = "from django.conf import settings as s; print(s.LANGUAGE_COOKIE_SECURE)"
    script = "import django; django.setup()\n" + script
    assert run_production("-c", script, SECURE_PROXY="true").stdout.strip() == "True"
    assert run_production("-c", script, SECURE_COOKIES="false").stdout.strip() == "False"
