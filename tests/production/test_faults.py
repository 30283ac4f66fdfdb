"""Faults: the database or Redis down, tasks left behind by a killed worker."""

from __future__ import annotations

import socket
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import override_settings

CLOSED_PORT_DATABASE = "postgres://intranet@127.0.0.1:9/intranet?connect_timeout=1"


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_healthz_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405


def test_healthz_answers_503_when_the_database_is_down(client, db):
    with mock.patch("intranet.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"


def test_pages_answer_a_clean_503_when_the_database_is_unreachable(run_production):
    # A real outage: PostgreSQL on a port where nothing listens. A logged-in browser's
    # session cookie makes the very first middleware go to the database.
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(raise_request_exception=False)\n"
        "c.cookies['sessionid'] = 'x' * 32\n"
        "for path in ['/', '/spaces/', '/healthz']:\n"
        "    r = c.get(path, HTTP_HOST='intranet.example.com', secure=True)\n"
        "    print(path, r.status_code, r.headers.get('Retry-After'), '|',"
        " r.content.decode().replace(chr(10), ' '))\n"
    )
    result = run_production("-c", script, DATABASE_URL=CLOSED_PORT_DATABASE)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    for path in ["/", "/spaces/"]:
        assert lines[path].startswith("503 30 |")
        assert "briefly unavailable" in lines[path]
        assert "Traceback" not in lines[path] and "OperationalError" not in lines[path]
    assert lines["/healthz"].startswith("503")


def test_a_bug_still_answers_500_not_503(client_for, reader, site_tree):
    with mock.patch("home.models.dashboard_for", side_effect=ValueError("a bug")):
        client = client_for(reader)
        client.raise_request_exception = False
        response = client.get("/")
    assert response.status_code == 500


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def redis_cache(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/15",
            "KEY_PREFIX": "intranet-tests",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_the_cache_stores_values_in_redis_when_it_answers(db):
    with override_settings(CACHES=redis_cache(6379)):
        from django.core.cache import caches

        redis = caches["default"]
        redis.set("production-test", "stored", 30)
        assert redis.get("production-test") == "stored"
        assert redis.client.get_client().exists(redis.make_key("production-test"))
        redis.delete("production-test")


@override_settings(
    CACHES=redis_cache(9),
    DJANGO_REDIS_IGNORE_EXCEPTIONS=True,
    SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
)
def test_the_site_works_while_redis_is_down(client_for, reader, open_space):
    cache.set("key", "value")
    assert cache.get("key") is None  # a miss, not an exception
    client = client_for(reader)
    assert client.get("/").status_code == 200
    assert client.get(open_space.url).status_code == 200


def test_a_missing_migration_is_a_500_not_a_database_outage(client_for, reader, site_tree):
    # "no such column" is an OperationalError too, but the database answers: a loud 500.
    error = OperationalError("no such column: wiki_wikipage.tags")
    with mock.patch("home.models.dashboard_for", side_effect=error):
        client = client_for(reader)
        client.raise_request_exception = False
        response = client.get("/")
    assert response.status_code == 500
