"""The benchmark's bulk data: real trees, real visibility, numbers the digest bench checks.

bench/seed_scale.py inserts spaces, people and activity rows without Wagtail's or Django's
per-object code paths, so these tests check that what it makes looks to the site exactly like
what the site makes itself."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from bench import digest, experts, whoosh_scale
from bench.__main__ import failed_pages, load_failures, markdown, measure_pages, parse_args
from bench.seed_scale import (
    BENCH_USER_INDEX,
    create_people,
    create_spaces,
    extend_data,
    give_bench_user_wagtail_groups,
    make_documents,
)
from bench.targets import TARGETS
from community.models import Activity
from intranet.access import can_view, visible_pages
from intranet.models import Membership, SpacePage
from tests.factories import make_blog_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_set(site_tree):
    """A miniature of seed_scale: 30 people, 4 spaces made through Wagtail, 40 documents."""
    rng = random.Random(1)
    users = create_people(30, rng)
    spaces = create_spaces(4, users, rng)
    spaces = list(SpacePage.objects.filter(pk__in=[s.pk for s in spaces]).order_by("pk"))
    make_documents(40, spaces, [], users, rng)
    return users


def bench_user(users):
    return next(u for u in users if u.username == f"user{BENCH_USER_INDEX:05d}")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_bulk_spaces_are_a_valid_tree_with_real_visibility(small_set):
    made = extend_data(spaces=44, log=lambda line: None)

    assert made == {"spaces": 44}
    assert SpacePage.objects.count() == 44
    assert all(not problems for problems in Page.find_problems())
    new = list(SpacePage.objects.filter(slug__startswith="bench-space-").order_by("pk")[4:])
    assert len(new) == 40
    assert all(space.space_id == space.pk for space in new)
    assert all(space.get_children().count() == 1 for space in new)  # its blog

    user = bench_user(small_set)
    members_only = [s for s in new if s.is_members_only]
    assert len(members_only) == 10
    mine = set(Membership.objects.filter(user=user).values_list("space_id", flat=True))
    # The bench user is in some members-only spaces and kept out of most of them.
    assert any(s.pk in mine for s in members_only)
    assert sum(s.pk not in mine for s in members_only) >= 8
    for space in members_only:
        assert can_view(user, space) == (space.pk in mine)
    client = client_for(user)
    hidden = next(s for s in members_only if s.pk not in mine)
    joined = next(s for s in members_only if s.pk in mine)
    open_space = next(s for s in new if not s.is_members_only)
    assert client.get(hidden.url).status_code == 404
    assert client.get(joined.url).status_code == 200
    assert client.get(open_space.url).status_code == 200
    assert client.get(open_space.url + "blog/").status_code == 200
    assert client.get("/spaces/").status_code == 200
    # Topping up to the same size again adds nothing.
    assert extend_data(spaces=44, log=lambda line: None) == {"spaces": 44}
    assert SpacePage.objects.count() == 44


def home_queries(user) -> int:
    client = client_for(user)
    client.get("/")  # warm caches, as the benchmark does
    from django.db import connection

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured.captured_queries)


def test_bulk_activities_cover_private_spaces_and_home_queries_stay_flat(
    small_set, django_assert_max_num_queries
):
    extend_data(spaces=12, activities=60, log=lambda line: None)
    user = bench_user(small_set)
    small = home_queries(user)

    made = extend_data(activities=1500, log=lambda line: None)
    assert made == {"activities": 1500}
    assert Activity.objects.count() == 1500
    kinds = set(Activity.objects.values_list("kind", flat=True))
    assert {"post", "wiki_created", "wiki_edited", "comment", "joined_space"} <= kinds
    hidden = SpacePage.objects.filter(visibility="members").exclude(memberships__user=user)
    assert Activity.objects.filter(space__in=hidden).exists()
    # Rows point at real pages in the space they say.
    for row in Activity.objects.exclude(page=None)[:50]:
        assert row.page.specific.space_id == row.space_id
    stream = list(Activity.stream_for(user, limit=1000))
    assert stream and all(can_view(user, row.page) for row in stream if row.page_id)
    assert len(stream) < 1000 or Activity.objects.count() > len(stream)

    client = client_for(user)
    client.get("/")  # warmed like the first measurement
    with django_assert_max_num_queries(small):
        assert client.get("/").status_code == 200


def test_people_top_up_gives_skills_the_expert_finder_finds(small_set):
    made = extend_data(people=60, log=lambda line: None)

    assert made == {"people": 60}
    from profiles.models import Profile, ProfileSkill

    profiles = Profile.objects.filter(user__username__startswith="user")
    assert profiles.count() == 60
    # The first 30 had no skills: the top-up gave them some too.
    for profile in profiles:
        assert 2 <= profile.profile_skills.count() <= 4
    experts = ProfileSkill.objects.filter(skill__name="Kubernetes").count()
    assert experts >= 3
    assert Membership.objects.filter(user__username="user00059").count() == 3
    response = client_for(bench_user(small_set)).get("/people/?q=kubernetes")
    assert response.status_code == 200
    assert b"Kubernetes" in response.content


def test_digest_bench_expects_exactly_what_the_digests_send(small_set):
    reader_ids = digest.add_readers(25, random.Random(3))
    assert len(reader_ids) == 25
    expected = digest.add_notifications(reader_ids, 6, random.Random(4))
    from community.tasks import send_digest

    covered = [send_digest.call(pk) for pk in reader_ids]

    assert sum(covered) == expected > 0
    assert len(mail.outbox) == sum(1 for n in covered if n)  # one e-mail per digest
    # A second round tops up: the same readers, new notifications.
    assert digest.add_readers(25, random.Random(3)) == reader_ids
    assert digest.add_notifications(reader_ids, 2, random.Random(5)) > 0


def test_options_refuse_bad_values():
    for argv in (["--spaces", "-1"], ["--activities", "99999999999"], ["--docs", "10"]):
        with pytest.raises(SystemExit):
            parse_args(argv)
    for argv in (["--users", "0"], ["--per-user", "0"]):
        with pytest.raises(SystemExit):
            digest.parse_args(argv)
    assert digest.parse_args(["--users", "10000", "1000", "1000"]).users == [1000, 10000]
    for argv in (["--runs", "0"], ["--docs", "10"]):
        with pytest.raises(SystemExit):
            experts.parse_args(argv)
    with pytest.raises(SystemExit):
        whoosh_scale.parse_args(["--docs", "10"])
    args = parse_args(["--spaces", "5000", "--activities", "100000"])
    assert (args.spaces, args.activities, args.people) == (5000, 100000, None)


def test_report_names_the_data_sizes_and_page_targets():
    row = {"status": "ok", "p50_ms": 90.0, "p95_ms": 120.0, "queries": 10, "samples": 5}
    report = {
        "started": "now",
        "data": {"documents": 20000, "people": 2000, "spaces": 5000, "activities": 100000},
        "pages": [
            {"name": "baseline (minimal view)", **row, "p50_ms": 3.0},
            {"name": "home", **row},
            {"name": "expert finder", **row},
            {"name": "directory", **row},
        ],
    }
    text = markdown(report)
    assert "20,000 documents, 2,000 people, 5,000 spaces, 100,000 activities" in text
    lines = {line.split(" | ")[0].strip("| "): line for line in text.splitlines()}
    assert lines["home"].endswith("over: p50 > 80 ms |")
    assert lines["expert finder"].endswith("| ok |")  # its target is 100 ms
    assert lines["directory"].endswith("over: p50 > 50 ms |")
    digest_text = digest.markdown(
        {
            "started": "now",
            "rounds": [
                {
                    "readers": n,
                    "notifications_expected": 3 * n,
                    "notifications_emailed": 3 * n,
                    "tasks": 2 * n,
                    "task_statuses": {"SUCCESSFUL": 2 * n},
                    "queue": {"seconds": 1.0, "peak_rss_mb": 150.0},
                    "worker": {"seconds": 2.0, "peak_rss_mb": mb},
                    "tasks_per_second": n,
                    "ok": True,
                }
                for n, mb in ((1000, 150.0), (10000, 400.0))
            ],
        }
    )
    assert "| 10,000 | 30,000 of 30,000 |" in digest_text
    assert "grows with the readers" in digest_text


def test_seed_scale_inserts_spaces_beyond_the_first_in_bulk(site_tree, monkeypatch):
    """As at 100,000 documents (200 spaces, 40 through Wagtail), scaled down."""
    from bench import seed_scale as seeding
    from blogs.models import BlogPostPage
    from wiki.models import WikiPage

    # Fewer pages through Wagtail's slow path than the real sizes; the bulk path is the same.
    monkeypatch.setattr(seeding, "WAGTAIL_SPACES", 1)
    monkeypatch.setattr(seeding, "PERSONAL_BLOGS", 3)
    made = seeding.seed_scale(200, log=lambda line: None)

    assert made == {"people": 200, "spaces": 20, "documents": 200}
    assert SpacePage.objects.count() == 20
    assert all(not problems for problems in Page.find_problems())
    bulk = SpacePage.objects.filter(slug="bench-space-19").get()
    # Documents went into the bulk spaces as well, in the right space.
    assert WikiPage.objects.filter(space=bulk).exists()
    bulk_slugs = [f"bench-space-{i}" for i in range(1, 20)]
    assert BlogPostPage.objects.filter(space__slug__in=bulk_slugs).count() > 50
    for page in WikiPage.objects.filter(space=bulk)[:5]:
        assert page.find_space_id() == bulk.pk
    user = bench_user(list(get_user_model().objects.filter(username__startswith="user")))
    assert visible_pages(user, WikiPage.objects.all()).count() < WikiPage.objects.count()


def test_the_bench_user_can_open_every_page_of_a_members_only_space_they_belong_to(small_set):
    """The bulk membership rows have no Wagtail groups; a members-only space's view
    restriction names its groups, so without them the space, its wiki page, blog and posts
    answered 302 and the benchmark skipped them."""
    user = bench_user(small_set)
    space = SpacePage.objects.filter(visibility="members").order_by("pk").first()
    # As a bulk row, the way create_spaces and extend_data add memberships.
    Membership.objects.get_or_create(space=space, user=user, defaults={"role": "editor"})
    user.groups.clear()

    assert give_bench_user_wagtail_groups() >= 1

    from blogs.models import BlogIndexPage, BlogPostPage
    from wiki.models import WikiPage

    blog = BlogIndexPage.objects.get(space=space)
    # The small set's posts went to the other spaces' blogs.
    post = BlogPostPage.objects.filter(space=space).first() or make_blog_post(blog, "Plan")
    client = client_for(user)
    for page in (space, WikiPage.objects.filter(space=space).first(), blog, post):
        assert client.get(page.url).status_code == 200, page.url


def test_every_page_the_bench_names_answers_200_on_the_small_set(small_set, settings):
    settings.ROOT_URLCONF = "bench.urls"  # the baseline view

    pages = measure_pages(2, 1.0)

    assert failed_pages(pages) == []
    names = {row["name"] for row in pages}
    assert {"space", "wiki page", "blog index", "blog post"} <= names


def test_a_page_that_does_not_answer_200_fails_the_run_with_its_url_and_status(
    small_set, settings, monkeypatch
):
    settings.ROOT_URLCONF = "bench.urls"
    from bench import pages as bench_pages

    user = bench_pages.BENCH_USER
    monkeypatch.setattr(
        bench_pages,
        "PAGES",
        [
            ("baseline (minimal view)", "/bench/minimal/", user),
            ("gone", "/no-such-page/", user),
            ("unfilled", "{no_such_placeholder}", user),
        ],
    )

    pages = measure_pages(2, 1.0)
    failed = failed_pages(pages)

    assert [(row["name"], row["path"], row["status"]) for row in failed] == [
        ("gone", "/no-such-page/", "HTTP 404"),
        ("unfilled", "{no_such_placeholder}", "the data set has no no_such_placeholder"),
    ]
    text = markdown({"started": "now", "data": {}, "pages": pages})
    assert "| gone | | | | | | FAILED: /no-such-page/ HTTP 404 |" in text
    load = {
        "throughput": {
            "home": {"path": "/", "requests": 40, "errors": 0},
            "blog post": {
                "path": "/p/",
                "requests": 40,
                "errors": 3,
                "error_statuses": {"500": 3},
            },
        }
    }
    assert load_failures(load) == [
        "blog post under load: /p/ answered 3 of 40 requests with {'500': 3}"
    ]


def test_every_benchmark_reads_its_targets_from_the_one_table():
    """No second TARGETS table or limit constant anywhere in bench/: bench/targets.py only."""
    import ast
    from pathlib import Path

    import bench

    for path in Path(bench.__file__).parent.glob("*.py"):
        if path.name == "targets.py":
            continue
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                assert not any("TARGET" in n or "LIMIT" in n for n in names if n != "TARGET"), (
                    path.name,
                    names,
                )
    assert TARGETS["page_p50_ms"].met(50) and not TARGETS["page_p50_ms"].met(50.1)
    assert TARGETS["index_docs_per_second"].met(300) and not TARGETS["index_docs_per_second"].met(1)
    assert str(TARGETS["index_docs_per_second"]) == "≥ 300 docs/s"
