"""A real HTTP receiver on 127.0.0.1, a service account for webhooks to act as, and a way to
make webhooks through the action.

`receiver` answers every POST with `receiver.status` (200 unless a test changes it) and
keeps what it got in `receiver.requests`: (path, headers, raw body)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import UserFactory
from webhooks.actions import create_webhook
from webhooks.models import Event, Webhook


@dataclass
class Receiver:
    url: str
    status: int = 200
    body: bytes = b"thanks"
    headers: dict[str, str] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length", 0))
            state.requests.append((self.path, dict(self.headers), self.rfile.read(length)))
            self.send_response(state.status)
            for name, value in state.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def service_account(db):
    """An account made for another system, with no space of its own."""
    return UserFactory(username="chatbot", first_name="Chat", last_name="Bot")


@pytest.fixture
def make_webhook(site_admin) -> Callable[..., Webhook]:
    """`make_webhook(acts_as, url=..., events=[...], **kw)`, made by the site admin."""

    def make(acts_as, url: str = "https://hooks.example.com/in", events=None, **kwargs):
        return create_webhook(
            name=kwargs.pop("name", f"Hook as {acts_as.get_username()}"),
            url=url,
            events=list(events or Event.values),
            acts_as=acts_as,
            actor=site_admin,
            **kwargs,
        )

    return make


@pytest.fixture
def admin_space_admin(space_admin):
    """The space admin, let into the Wagtail admin by a group, with every permission on
    webhooks a group could carry: the admin must still refuse them."""
    group = Group.objects.create(name="Admin users")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="webhooks"),
    )
    space_admin.groups.add(group)
    return space_admin
