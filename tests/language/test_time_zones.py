"""Every time is shown in the reader's time zone: the one on their profile, else the
company's (settings.TIME_ZONE, Europe/Berlin here)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone, translation

from community import actions
from community.models import Notification
from community.tasks import send_digest
from profiles.models import time_zone_choices
from profiles.timezone import remember_time_zone

pytestmark = pytest.mark.django_db

# 15:30 UTC on a winter day: 10:30 in New York, 16:30 in Berlin.
MOMENT = datetime(2025, 1, 15, 15, 30, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")


def shown(moment: datetime, zone, language: str = "en") -> str:
    """`moment` as the pages show it to a reader in `zone`."""
    with translation.override(language):
        return formats.date_format(timezone.localtime(moment, zone), "SHORT_DATETIME_FORMAT")


@pytest.fixture
def old_revision(open_page, editor):
    """The page's first version, dated MOMENT, and a newer one after it."""
    first = open_page.revisions.get()
    type(first).objects.filter(pk=first.pk).update(created_at=MOMENT)
    open_page.body = "<p>Wash up, then dry.</p>"
    open_page.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    first.refresh_from_db()
    return first


def test_the_time_zone_middleware_follows_authentication():
    order = settings.MIDDLEWARE
    assert order.index("profiles.timezone.TimeZoneMiddleware") > order.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )


def test_a_reader_in_new_york_sees_the_wiki_history_in_new_york_time(
    client_for, lives_in, reader, open_page, old_revision
):
    lives_in(reader, "America/New_York")
    html = client_for(reader).get(reverse("wiki:history", args=[open_page.pk])).content.decode()
    assert shown(MOMENT, NEW_YORK) in html and "10:30" in shown(MOMENT, NEW_YORK)
    assert shown(MOMENT, ZoneInfo(settings.TIME_ZONE)) not in html


def test_a_reader_without_a_time_zone_reads_the_companys(
    client_for, reader, open_page, old_revision
):
    html = client_for(reader).get(reverse("wiki:history", args=[open_page.pk])).content.decode()
    assert shown(MOMENT, ZoneInfo(settings.TIME_ZONE)) in html


def test_a_reader_in_new_york_sees_notifications_in_new_york_time(
    client_for, lives_in, editor, reader, open_page
):
    lives_in(reader, "America/New_York")
    actions.notify(
        [reader], "wiki_edit", text="Kitchen rules changed", actor=editor, page=open_page
    )
    Notification.objects.update(created_at=MOMENT)
    html = client_for(reader).get("/notifications/").content.decode()
    assert f'datetime="{timezone.localtime(MOMENT, NEW_YORK).isoformat()}"' in html
    assert shown(MOMENT, NEW_YORK) in html


def test_a_german_reader_in_new_york_reads_german_dates_in_new_york_time(
    client_for, speaks, lives_in, editor, reader, open_page
):
    speaks(reader, "de")
    lives_in(reader, "America/New_York")
    actions.notify(
        [reader], "wiki_edit", text="Kitchen rules changed", actor=editor, page=open_page
    )
    Notification.objects.update(created_at=MOMENT)
    html = client_for(reader).get("/notifications/").content.decode()
    assert shown(MOMENT, NEW_YORK, "de") in html and "10:30" in html


def test_the_restore_summary_agrees_with_the_history_list(
    client_for, lives_in, editor, open_page, old_revision
):
    lives_in(editor, "America/New_York")
    client = client_for(editor)
    restore = reverse("wiki:restore", args=[open_page.pk, old_revision.pk])
    assert client.post(restore).status_code == 302
    html = client.get(reverse("wiki:history", args=[open_page.pk])).content.decode()
    when = shown(MOMENT, NEW_YORK)
    assert f"Restored the version of {when} (America/New_York)" in html
    # The restored version's own row shows that same time.
    assert len(re.findall(re.escape(when), html)) >= 2


def test_a_restore_summary_names_the_zone_so_readers_elsewhere_are_not_misled(
    client_for, lives_in, editor, reader, open_page, old_revision
):
    lives_in(editor, "America/New_York")
    client_for(editor).post(reverse("wiki:restore", args=[open_page.pk, old_revision.pk]))
    html = client_for(reader).get(reverse("wiki:history", args=[open_page.pk])).content.decode()
    assert shown(MOMENT, ZoneInfo(settings.TIME_ZONE)) in html  # the list: the reader's zone
    assert f"{shown(MOMENT, NEW_YORK)} (America/New_York)" in html  # the summary: the restorer's


def test_the_digest_shows_times_in_the_recipients_zone(lives_in, editor, reader, open_page):
    lives_in(reader, "America/New_York")
    actions.notify(
        [reader], "wiki_edit", text="Kitchen rules changed", actor=editor, page=open_page
    )
    Notification.objects.update(created_at=MOMENT)
    assert send_digest.call(reader.pk) == 1
    assert f"- {shown(MOMENT, NEW_YORK)}: Kitchen rules changed" in mail.outbox[0].body


def test_an_unknown_zone_on_a_profile_falls_back_to_the_companys(
    client_for, lives_in, reader, open_page, old_revision
):
    from profiles.models import Profile

    Profile.objects.filter(user=reader).update(time_zone="Mars/Olympus_Mons")
    response = client_for(reader).get(reverse("wiki:history", args=[open_page.pk]))
    assert response.status_code == 200
    assert shown(MOMENT, ZoneInfo(settings.TIME_ZONE)) in response.content.decode()


def test_a_newly_chosen_zone_applies_from_the_next_request(
    client_for, lives_in, reader, open_page, old_revision, rf
):
    client = client_for(reader)
    url = reverse("wiki:history", args=[open_page.pk])
    assert shown(MOMENT, NEW_YORK) not in client.get(url).content.decode()
    lives_in(reader, "America/New_York")  # as the profile form saves it, then:
    request = rf.get("/")
    request.session = client.session
    remember_time_zone(request, "America/New_York")
    request.session.save()
    assert shown(MOMENT, NEW_YORK) in client.get(url).content.decode()


def test_people_choose_a_zone_by_place_or_keep_the_companys():
    choices = dict(time_zone_choices())
    assert "" in choices and settings.TIME_ZONE in str(choices[""])
    assert ("America/New_York", "New York") in choices["America"]
    assert "US/Eastern" not in str(choices)
