"""A scale data set for the benchmark, made with bulk inserts.

`seed_demo` publishes every page through Wagtail (tree locks, signals, revisions one by one),
which is right for demo data and far too slow for 20,000 or 100,000 documents. Here the few
structural pages (spaces, blogs) still go through Wagtail, and the documents (wiki pages and
blog posts) are inserted in batches: treebeard paths, depth, numchild and url_path computed
here, `IntranetPage.space` set, and one published revision per page, so they look to every
query exactly like pages made in the editor. Signals do not fire; the search index is built
afterwards by `update_index`, which the benchmark times.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Iterator
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Revision

BENCH_PASSWORD = "bench-password"
BATCH = 1000
FIRST_NAMES = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hugo", "Ida", "Jonas"]
LAST_NAMES = ["Schmidt", "Meyer", "Weber", "Wagner", "Becker", "Hoffmann", "Koch", "Richter"]


def chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def create_people(count: int, rng: random.Random) -> list:
    from profiles.models import Department, Profile

    User = get_user_model()
    departments = [
        Department.objects.get_or_create(slug=f"bench-dept-{i}", defaults={"name": f"Dept {i}"})[0]
        for i in range(max(4, count // 25))
    ]
    password = make_password(BENCH_PASSWORD)
    now = timezone.now()
    users = [
        User(
            username=f"user{i:05d}",
            first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
            last_name=f"{LAST_NAMES[i % len(LAST_NAMES)]} {i}",
            email=f"user{i:05d}@example.com",
            password=password,
            date_joined=now - timedelta(days=i),
        )
        for i in range(count)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    users = list(User.objects.filter(username__startswith="user").order_by("username"))
    profiles = [
        Profile(
            user=user,
            job_title=rng.choice(["Engineer", "Designer", "Manager", "Analyst", "Referent"]),
            department=departments[i % len(departments)],
            # A tree of eight reports per manager, so the org chart has real depth.
            manager=users[(i - 1) // 8] if i else None,
            bio="Works on " + rng.choice(["Kubernetes", "Onboarding", "Urlaub", "Security"]),
        )
        for i, user in enumerate(users)
    ]
    Profile.objects.bulk_create(profiles, batch_size=BATCH)
    return users


def create_spaces(count: int, users: list, rng: random.Random) -> list:
    from blogs.actions import space_blog_for
    from intranet.actions import create_space
    from intranet.models import Membership, Role

    spaces = []
    for i in range(count):
        space = create_space(
            title=f"Bench space {i}",
            slug=f"bench-space-{i}",
            description=f"Space number {i} of the benchmark data set.",
            # Every fourth space is members-only, so the visibility rule has work to do.
            visibility="members" if i % 4 == 3 else "open",
        )
        space_blog_for(space)
        spaces.append(space)
    memberships = []
    for user_index, user in enumerate(users):
        for space in rng.sample(spaces, k=min(3, len(spaces))):
            role = Role.ADMIN if user_index % 50 == 0 else Role.EDITOR
            memberships.append(Membership(space=space, user=user, role=role))
    Membership.objects.bulk_create(memberships, batch_size=BATCH, ignore_conflicts=True)
    return spaces


def insert_pages(pages: list[Page]) -> None:
    """Insert pages of one concrete type, with every table of their multi-table chain.

    Django cannot bulk_create multi-table models, so the `wagtailcore_page` rows go through
    bulk_create (which returns the ids) and each subclass table gets an executemany.
    """
    model = type(pages[0])
    page_fields = [f for f in Page._meta.local_concrete_fields if f.attname != "id"]
    rows = [Page(**{f.attname: getattr(p, f.attname) for f in page_fields}) for p in pages]
    Page.objects.bulk_create(rows, batch_size=BATCH)
    for row, page in zip(rows, pages, strict=True):
        page.pk = page.id = row.pk
    chain = [m for m in reversed(model._meta.get_parent_list()) if m is not Page] + [model]
    with connection.cursor() as cursor:
        for table_model in chain:
            fields = table_model._meta.local_concrete_fields
            for field in fields:
                if field.one_to_one and field.remote_field.parent_link:
                    for page in pages:
                        setattr(page, field.attname, page.pk)
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            table = connection.ops.quote_name(table_model._meta.db_table)
            # Table and column names come from model meta, quoted; values are parameters.
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
            values = [
                [f.get_db_prep_save(getattr(p, f.attname), connection) for f in fields]
                for p in pages
            ]
            for batch in chunks(values):
                cursor.executemany(sql, batch)


def add_revisions(pages: list[Page]) -> None:
    """One published revision per page, pointed at by latest_revision and live_revision."""
    base_type = ContentType.objects.get_for_model(Page)
    revisions = [
        Revision(
            content_type_id=page.content_type_id,
            base_content_type=base_type,
            object_id=str(page.pk),
            created_at=page.last_published_at,
            user_id=page.owner_id,
            object_str=page.title,
            content=page.serializable_data(),
        )
        for page in pages
    ]
    Revision.objects.bulk_create(revisions, batch_size=BATCH)
    with connection.cursor() as cursor:
        sql = (
            "UPDATE wagtailcore_page SET latest_revision_id = %s, live_revision_id = %s "
            "WHERE id = %s"
        )
        for batch in chunks([[r.pk, r.pk, int(r.object_id)] for r in revisions]):
            cursor.executemany(sql, batch)


def child_path(parent: Page, step: int) -> str:
    return Page._get_path(parent.path, parent.depth + 1, step)


def make_documents(
    docs: int, spaces: list, personal_blogs: list, users: list, rng: random.Random
) -> int:
    from blogs.models import BlogIndexPage, BlogPostPage
    from intranet.demo import TOPICS, paragraphs
    from wiki.models import WikiPage

    locale = Locale.get_default()
    now = timezone.now()
    wiki_type = ContentType.objects.get_for_model(WikiPage)
    post_type = ContentType.objects.get_for_model(BlogPostPage)
    next_step = {}  # parent pk -> next free child step

    def new_page(cls, content_type, parent, slug, title, language, space_id, owner, age, **kw):
        step = next_step.get(parent.pk, parent.numchild) + 1
        next_step[parent.pk] = step
        when = now - timedelta(minutes=age)
        return cls(
            path=child_path(parent, step),
            depth=parent.depth + 1,
            numchild=0,
            translation_key=uuid.uuid4(),
            locale_id=locale.pk,
            live=True,
            has_unpublished_changes=False,
            first_published_at=when,
            last_published_at=when,
            latest_revision_created_at=when,
            title=title,
            draft_title=title,
            slug=slug,
            content_type_id=content_type.pk,
            url_path=f"{parent.url_path}{slug}/",
            owner_id=owner.pk,
            space_id=space_id,
            language=language,
            **kw,
        )

    def text(i: int) -> tuple[str, str, str]:
        language = "de" if i % 3 == 0 else "en"
        topic, detail = TOPICS[language][i % len(TOPICS[language])]
        return language, f"{topic} {i}", paragraphs(rng, language, topic, detail, 3)

    wiki_count = docs // 2
    post_count = docs - wiki_count
    made = 0

    # Wiki: per space, top-level pages each with up to four child pages (a real tree).
    per_space = math.ceil(wiki_count / len(spaces))
    for space_index, space in enumerate(spaces):
        quota = min(per_space, wiki_count - space_index * per_space)
        if quota <= 0:
            break
        tops, children = [], []
        top_count = math.ceil(quota / 5)
        for t in range(top_count):
            i = made + t
            language, title, body = text(i)
            tops.append(
                new_page(
                    WikiPage,
                    wiki_type,
                    space,
                    f"wiki-{i}",
                    title,
                    language,
                    space.pk,
                    users[i % len(users)],
                    i,
                    body=body,
                )
            )
        insert_pages(tops)
        remaining = quota - top_count
        for top in tops:
            for _ in range(min(4, remaining)):
                i = made + top_count + len(children)
                language, title, body = text(i)
                children.append(
                    new_page(
                        WikiPage,
                        wiki_type,
                        top,
                        f"wiki-{i}",
                        title,
                        language,
                        space.pk,
                        users[i % len(users)],
                        i,
                        body=body,
                    )
                )
                remaining -= 1
                top.numchild += 1
        if children:
            insert_pages(children)
        add_revisions(tops + children)
        made += len(tops) + len(children)
        Page.objects.filter(pk=space.pk).update(numchild=next_step[space.pk])
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE wagtailcore_page SET numchild = %s WHERE id = %s",
                [[t.numchild, t.pk] for t in tops if t.numchild],
            )

    # Blog posts: 70% in space blogs, 30% in personal blogs.
    blogs = list(BlogIndexPage.objects.filter(space__in=spaces))
    targets = [b for b in blogs for _ in range(7)] + [b for b in personal_blogs for _ in range(3)]
    posts = []
    for n in range(post_count):
        i = made + n
        blog = targets[n % len(targets)]
        language, title, body = text(i)
        posts.append(
            new_page(
                BlogPostPage,
                post_type,
                blog,
                f"post-{i}",
                title,
                language,
                blog.space_id,
                blog.author or users[i % len(users)],
                i,
                date=now - timedelta(minutes=i),
                teaser=title,
                body=body,
            )
        )
    for batch in chunks(posts, 5000):
        insert_pages(batch)
        add_revisions(batch)
    for blog in blogs + personal_blogs:
        if blog.pk in next_step:
            Page.objects.filter(pk=blog.pk).update(numchild=next_step[blog.pk])
    return made + len(posts)


@transaction.atomic
def seed_scale(docs: int, *, seed: int = 1, log=print) -> dict:
    """Seed `docs` documents with people and spaces in proportion; returns what it made."""
    from blogs.actions import start_personal_blog
    from intranet.site_tree import ensure_site_tree

    rng = random.Random(seed)
    ensure_site_tree()
    people = max(200, docs // 50)
    log(f"seed: {people} people")
    users = create_people(people, rng)
    space_count = max(20, docs // 500)
    log(f"seed: {space_count} spaces")
    spaces = create_spaces(space_count, users, rng)
    personal_blogs = [start_personal_blog(user) for user in users[:50]]
    # Fresh from the database: adding the blogs changed the parents' numchild.
    spaces = list(type(spaces[0]).objects.filter(pk__in=[s.pk for s in spaces]).order_by("pk"))
    personal_blogs = list(
        type(personal_blogs[0]).objects.filter(pk__in=[b.pk for b in personal_blogs])
    )
    log(f"seed: {docs} documents (wiki pages and blog posts)")
    made = make_documents(docs, spaces, personal_blogs, users, rng)
    return {"people": people, "spaces": space_count, "documents": made}
