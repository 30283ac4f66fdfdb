"""A scale data set for the benchmark, made with bulk inserts.

`seed_demo` publishes every page through Wagtail (tree locks, signals, revisions one by one),
which is right for demo data and far too slow for 20,000 or 100,000 documents. Here the few
structural pages (the first 40 spaces, blogs) still go through Wagtail; further spaces (one
per 500 documents) and the documents (wiki pages and blog posts) are inserted in batches:
treebeard paths, depth, numchild and url_path computed here, `IntranetPage.space` set, and
one published revision per page, so they look to every query exactly like pages made in the
editor. Signals do not fire; the search index is built afterwards by `update_index`, which
the benchmark times.

`extend_data` tops an existing data set up to larger counts of people (with skills), spaces
and home-stream activity rows, so a copy of the 20,000-document set can be measured with
5,000 spaces or 100,000 activity rows without seeding the documents again. The extra spaces
are real members-only and open spaces with memberships (the benchmark user is in some of
each kind), inserted in bulk without Wagtail's per-space permission groups, which only the
editor uses.
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
from django.utils.text import slugify
from wagtail.models import Locale, Page, Revision

BENCH_PASSWORD = "bench-password"
BATCH = 1000
FIRST_NAMES = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hugo", "Ida", "Jonas"]
LAST_NAMES = ["Schmidt", "Meyer", "Weber", "Wagner", "Becker", "Hoffmann", "Koch", "Richter"]
# Skills for the expert finder; bench/pages.py searches for "kubernetes".
SKILLS = [
    "Kubernetes",
    "Python",
    "Onboarding",
    "Datenschutz",
    "Security",
    "Controlling",
    "SAP",
    "Excel",
    "Urlaubsplanung",
    "Design",
    "Vertrieb",
    "PostgreSQL",
    "Recruiting",
    "Buchhaltung",
    "Projektmanagement",
    "Kundenservice",
]
BENCH_USER_INDEX = 1
BENCH_USER = f"user{BENCH_USER_INDEX:05d}"  # the user bench/pages.py measures as
WAGTAIL_SPACES = 40  # spaces seed_scale makes through Wagtail; more are inserted in bulk
PERSONAL_BLOGS = 50  # personal blogs (through Wagtail); 30% of the posts go into them


def chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def create_people(count: int, rng: random.Random, *, start: int = 0) -> list:
    """Users user<start>..user<count - 1> with profiles and skills; returns all of them so far
    (every bench user, in username order)."""
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
        for i in range(start, count)
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
        if i >= start
    ]
    Profile.objects.bulk_create(profiles, batch_size=BATCH)
    add_skills(users[start:], rng)
    return users


def add_skills(users: list, rng: random.Random) -> int:
    """Two to four skills per person at random levels (the expert finder's evidence);
    about one person in eight knows Kubernetes."""
    from profiles.models import Profile, ProfileSkill, Skill

    skills = []
    for name in SKILLS:
        skill, _created = Skill.objects.get_or_create(name=name, defaults={"slug": slugify(name)})
        skills.append(skill)
    # All bench profiles, not `user__in=users`: SQLite caps a query's parameters.
    profile_ids = dict(
        Profile.objects.filter(user__username__startswith="user").values_list("user_id", "pk")
    )
    rows = []
    for user in users:
        for skill in rng.sample(skills, k=rng.randint(2, 4)):
            rows.append(
                ProfileSkill(profile_id=profile_ids[user.pk], skill=skill, level=rng.randint(1, 3))
            )
    ProfileSkill.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return len(rows)


def create_spaces(count: int, users: list, rng: random.Random) -> list:
    from blogs.actions import ensure_space_blog
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
        ensure_space_blog(space)
        spaces.append(space)
    memberships = []
    for user_index, user in enumerate(users):
        for space in rng.sample(spaces, k=min(3, len(spaces))):
            role = Role.ADMIN if user_index % 50 == 0 else Role.EDITOR
            memberships.append(Membership(space=space, user=user, role=role))
    Membership.objects.bulk_create(memberships, batch_size=BATCH, ignore_conflicts=True)
    give_bench_user_wagtail_groups()
    return spaces


def give_bench_user_wagtail_groups() -> int:
    """Put the bench user into the Wagtail groups of their members-only spaces, through
    intranet.actions, as joining in the site does; returns how many memberships.

    The memberships above are bulk rows without groups. A members-only space made through
    Wagtail has a view restriction naming its groups, so without them Wagtail redirects the
    bench user away (302) from the space, its wiki and its blog although they are a member,
    and the benchmark could not time those pages. Other people are not measured and keep
    the cheap rows; spaces inserted in bulk have no view restriction to satisfy."""
    from wagtail.models import PageViewRestriction

    from intranet.actions import set_member_role
    from intranet.models import Membership

    user = get_user_model().objects.filter(username=BENCH_USER).first()
    if user is None:
        return 0
    restricted = PageViewRestriction.objects.values("page_id")
    memberships = Membership.objects.filter(user=user, space__in=restricted).select_related("space")
    for membership in memberships:
        set_member_role(membership.space, user, membership.role)
    return len(memberships)


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
        if getattr(page, "is_members_only", None) is not None:
            page.space_id = page.pk  # a SpacePage is its own space (SpacePage.save)
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
    docs: int,
    spaces: list,
    personal_blogs: list,
    users: list,
    rng: random.Random,
    log=lambda line: None,
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
        if made // 10_000 != (made - len(tops) - len(children)) // 10_000:
            log(f"seed: {made} wiki pages")
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
    for done, batch in enumerate(chunks(posts, 5000), start=1):
        insert_pages(batch)
        add_revisions(batch)
        if done % 2 == 0:
            log(f"seed: {min(done * 5000, len(posts))} blog posts")
    for blog in blogs + personal_blogs:
        if blog.pk in next_step:
            Page.objects.filter(pk=blog.pk).update(numchild=next_step[blog.pk])
    return made + len(posts)


def bulk_spaces(total: int, users: list, rng: random.Random) -> int:
    """Add spaces up to `total` in bulk, each with its blog and one to six members.

    Every fourth is members-only. The benchmark user is a member of one open and one
    members-only space in every forty, so both halves of the visibility rule stay busy: most
    members-only spaces hide their pages from them. Skips Wagtail's per-space permission
    groups (only the editor reads them), which is what makes 5,000 spaces take seconds."""
    from blogs.models import BlogIndexPage
    from intranet.models import (
        JoinPolicy,
        Membership,
        Role,
        SpaceIndexPage,
        SpaceKind,
        SpacePage,
        Visibility,
    )

    index = SpaceIndexPage.objects.get()
    start = SpacePage.objects.count()
    if total <= start:
        return 0
    locale = Locale.get_default()
    now = timezone.now()
    space_type = ContentType.objects.get_for_model(SpacePage)
    blog_type = ContentType.objects.get_for_model(BlogIndexPage)
    kinds = list(SpaceKind.values)
    bench_user = next(u for u in users if u.username == BENCH_USER)
    made = 0
    step = index.numchild
    for batch in chunks(list(range(start, total))):
        spaces = []
        for i in batch:
            step += 1
            slug = f"bench-space-{i}"
            members_only = i % 4 == 3
            spaces.append(
                SpacePage(
                    **page_fields(index, step, slug, f"Bench space {i}", locale, space_type, now),
                    description=f"Space number {i} of the benchmark data set.",
                    kind=kinds[i % len(kinds)],
                    visibility=Visibility.MEMBERS if members_only else Visibility.OPEN,
                    join_policy=(
                        JoinPolicy.INVITE if members_only else rng.choice(JoinPolicy.values[:2])
                    ),
                )
            )
        insert_pages(spaces)
        blogs = [
            BlogIndexPage(
                **page_fields(space, 1, "blog", "Blog", locale, blog_type, now),
                space_id=space.pk,
            )
            for space in spaces
        ]
        insert_pages(blogs)
        add_revisions(spaces + blogs)
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE wagtailcore_page SET numchild = 1 WHERE id = %s", [[s.pk] for s in spaces]
            )
        memberships = []
        for i, space in zip(batch, spaces, strict=True):
            members = rng.sample(users, k=min(len(users), rng.randint(1, 6)))
            if i % 40 in (0, 3):
                members = [bench_user] + [u for u in members if u.pk != bench_user.pk]
            for n, user in enumerate(members):
                role = Role.ADMIN if n == 0 and user.pk != bench_user.pk else Role.EDITOR
                memberships.append(Membership(space=space, user=user, role=role))
        Membership.objects.bulk_create(memberships, batch_size=BATCH, ignore_conflicts=True)
        made += len(spaces)
    Page.objects.filter(pk=index.pk).update(numchild=step)
    return made


def page_fields(parent: Page, step: int, slug: str, title: str, locale, content_type, when):
    """The `wagtailcore_page` columns of a live child of `parent` at tree position `step`."""
    return {
        "path": child_path(parent, step),
        "depth": parent.depth + 1,
        "numchild": 0,
        "translation_key": uuid.uuid4(),
        "locale_id": locale.pk,
        "live": True,
        "has_unpublished_changes": False,
        "first_published_at": when,
        "last_published_at": when,
        "latest_revision_created_at": when,
        "title": title,
        "draft_title": title,
        "slug": slug,
        "content_type_id": content_type.pk,
        "url_path": f"{parent.url_path}{slug}/",
    }


def bulk_activities(total: int, rng: random.Random) -> int:
    """Add home-stream rows up to `total`: posts, wiki edits, comments and joins about the
    seeded documents and spaces (members-only ones included, in proportion), plus new
    colleagues, spread over the last year with the newest at the top."""
    from blogs.models import BlogPostPage
    from community.models import Activity
    from intranet.models import Membership
    from wiki.models import WikiPage

    start = Activity.objects.count()
    if total <= start:
        return 0
    posts = list(BlogPostPage.objects.values_list("pk", "space_id", "owner_id", "title"))
    wiki = list(WikiPage.objects.values_list("pk", "space_id", "owner_id", "title"))
    memberships = list(Membership.objects.values_list("space_id", "user_id"))
    user_ids = list(get_user_model().objects.values_list("pk", flat=True))
    now = timezone.now()
    made = 0
    rows = []
    for n in range(start, total):
        roll = rng.random()
        when = now - timedelta(minutes=n * 5 + rng.randint(0, 4))
        if roll < 0.35 and posts:
            pk, space_id, owner_id, title = rng.choice(posts)
            row = Activity(kind="post", actor_id=owner_id, page_id=pk, space_id=space_id)
            row.summary = title
        elif roll < 0.8 and wiki:
            pk, space_id, _owner, title = rng.choice(wiki)
            kind = "wiki_created" if roll < 0.45 else "wiki_edited"
            actor = rng.choice(user_ids)
            row = Activity(kind=kind, actor_id=actor, page_id=pk, space_id=space_id, summary=title)
        elif roll < 0.9 and posts:
            pk, space_id, _owner, title = rng.choice(posts)
            actor = rng.choice(user_ids)
            row = Activity(kind="comment", actor_id=actor, page_id=pk, space_id=space_id)
            row.summary = title
        elif roll < 0.97 and memberships:
            space_id, user_id = rng.choice(memberships)
            row = Activity(kind="joined_space", actor_id=user_id, space_id=space_id)
        else:
            row = Activity(kind="new_colleague", actor_id=rng.choice(user_ids))
        row.created_at = when
        rows.append(row)
        if len(rows) >= 5000:
            Activity.objects.bulk_create(rows, batch_size=BATCH)
            made += len(rows)
            rows = []
    Activity.objects.bulk_create(rows, batch_size=BATCH)
    return made + len(rows)


@transaction.atomic
def extend_data(
    *,
    people: int | None = None,
    spaces: int | None = None,
    activities: int | None = None,
    seed: int = 2,
    log=print,
) -> dict:
    """Top an existing data set up to these counts (none given: nothing to do). Returns
    the counts after, for the keys given."""
    from community.models import Activity
    from intranet.models import Membership, SpacePage
    from profiles.models import ProfileSkill

    rng = random.Random(seed)
    User = get_user_model()
    made: dict = {}
    users = list(User.objects.filter(username__startswith="user").order_by("username"))
    if people is not None:
        if not ProfileSkill.objects.exists():
            log(f"seed: skills for {len(users)} people")
            add_skills(users, rng)
        if people > len(users):
            log(f"seed: {people - len(users)} more people (with skills)")
            start = len(users)
            users = create_people(people, rng, start=start)
            all_spaces = list(SpacePage.objects.only("pk"))
            Membership.objects.bulk_create(
                [
                    Membership(space=space, user=user, role="editor")
                    for user in users[start:]
                    for space in rng.sample(all_spaces, k=min(3, len(all_spaces)))
                ],
                batch_size=BATCH,
                ignore_conflicts=True,
            )
        made["people"] = len(users)
    if spaces is not None:
        before = SpacePage.objects.count()
        if spaces > before:
            log(f"seed: {spaces - before} more spaces (bulk)")
            bulk_spaces(spaces, users, rng)
        made["spaces"] = SpacePage.objects.count()
    if activities is not None:
        before = Activity.objects.count()
        if activities > before:
            log(f"seed: {activities - before} activity rows (bulk)")
            bulk_activities(activities, rng)
        made["activities"] = Activity.objects.count()
    return made


@transaction.atomic
def seed_scale(docs: int, *, seed: int = 1, log=print) -> dict:
    """Seed `docs` documents with people and spaces in proportion; returns what it made."""
    from blogs.actions import start_personal_blog
    from home.site_tree import ensure_site_tree

    rng = random.Random(seed)
    ensure_site_tree()
    # One person per ten documents: 2,000 at 20,000 documents, as the expert finder's target.
    people = max(200, docs // 10)
    log(f"seed: {people} people")
    users = create_people(people, rng)
    space_count = max(20, docs // 500)
    # The first spaces go through Wagtail (permission groups and all, a few seconds each);
    # beyond that the bulk path, or 100,000 documents would spend most of their time here.
    full = min(space_count, WAGTAIL_SPACES)
    log(f"seed: {full} spaces")
    spaces = create_spaces(full, users, rng)
    if space_count > full:
        log(f"seed: {space_count - full} more spaces (bulk)")
        bulk_spaces(space_count, users, rng)
    personal_blogs = [start_personal_blog(user) for user in users[:PERSONAL_BLOGS]]
    # Fresh from the database: adding the blogs changed the parents' numchild.
    spaces = list(type(spaces[0]).objects.filter(slug__startswith="bench-space-").order_by("pk"))
    personal_blogs = list(
        type(personal_blogs[0]).objects.filter(pk__in=[b.pk for b in personal_blogs])
    )
    log(f"seed: {docs} documents (wiki pages and blog posts)")
    made = make_documents(docs, spaces, personal_blogs, users, rng, log)
    return {"people": people, "spaces": space_count, "documents": made}
