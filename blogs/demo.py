"""Demo blogs for `seed_demo`: personal and space blogs with posts in German and English,
header images, tags, comments, replies and reactions."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.html import escape
from wagtail.images import get_image_model
from wagtail.models import Collection

from blogs import actions
from blogs.models import BlogIndexPage, BlogPostPage, Comment, Reaction
from intranet.demo import TOPICS, DemoContext, paragraphs
from intranet.models import Role, roles_at_least

SUBTITLE = {"en": "what you need to know", "de": "das Wichtigste"}
TAGS = {
    "en": ["howto", "news", "team", "tooling", "process"],
    "de": ["anleitung", "neuigkeiten", "team", "werkzeuge", "ablauf"],
}
COMMENTS = {
    "en": [
        "Thanks, this is really helpful! See also https://example.com/guide",
        "Great summary. @{name} you asked about this last week.",
        "Could we add a checklist for new colleagues?",
    ],
    "de": [
        "Danke, sehr hilfreich!",
        "Gute Zusammenfassung. @{name} das hattest du letzte Woche gefragt.",
        "Können wir eine Checkliste für neue Kolleginnen und Kollegen ergänzen?",
    ],
}
REPLIES = {"en": "Good point, I will add it.", "de": "Guter Hinweis, ich ergänze das."}
# Header images: a colour gradient each, described for people who cannot see them.
PALETTE = [
    ("Blue waves", (36, 84, 214), (79, 124, 240), "A blue gradient, like a calm sea"),
    ("Sunset", (235, 110, 60), (250, 190, 90), "An orange and yellow gradient, like a sunset"),
    ("Forest", (30, 120, 80), (120, 190, 110), "A green gradient, like a forest in spring"),
    ("Berry", (140, 40, 120), (230, 90, 140), "A purple to pink gradient"),
]


def header_images() -> list:
    """A few generated header images, made once, in the blogs' image collection."""
    from PIL import Image as PILImage

    Image = get_image_model()
    actions.bloggers_group()  # makes the collection
    collection = Collection.objects.get(name=actions.BLOG_IMAGES_COLLECTION)
    images = []
    for title, start, end, description in PALETTE:
        image = Image.objects.filter(title=f"Demo: {title}").first()
        if image is None:
            picture = PILImage.new("RGB", (1200, 600))
            for x in range(1200):
                t = x / 1199
                colour = tuple(int(a + (b - a) * t) for a, b in zip(start, end, strict=True))
                picture.paste(colour, (x, 0, x + 1, 600))
            buffer = io.BytesIO()
            picture.save(buffer, "PNG")
            slug = title.lower().replace(" ", "-")
            image = Image(
                title=f"Demo: {title}",
                description=description,
                collection=collection,
                file=ImageFile(buffer, name=f"demo-{slug}.png"),
            )
            image.save()
        images.append(image)
    return images


def seed(ctx: DemoContext) -> None:
    progress = ctx.progress("posts", ctx.posts)
    now = timezone.now()
    images = header_images()
    users = ctx.users
    previous = None
    for i in range(ctx.posts):
        language = "de" if i % 3 == 1 else "en"
        topic, detail = TOPICS[language][(i * 5) % len(TOPICS[language])]
        slug = f"post-{i:05d}"
        post = BlogPostPage.objects.filter(slug=slug).first()
        if post is None:
            if i % 2 == 0:
                space = ctx.space_pages[i % len(ctx.space_pages)]
                writers = [
                    m.user
                    for m in space.memberships.filter(
                        role__in=roles_at_least(Role.EDITOR)
                    ).select_related("user")
                ]
                author = writers[i % len(writers)] if writers else users[0]
                blog = actions.ensure_space_blog(space, actor=author)
            else:
                author = users[i % len(users)]
                blog = actions.start_personal_blog(author)
            post = BlogPostPage(
                title=f"{topic}: {SUBTITLE[language]}",
                slug=slug,
                language=language,
                owner=author,
                date=now - timedelta(hours=7 * (ctx.posts - i)),
                teaser=detail[:1].upper() + detail[1:] + ".",
                body=paragraphs(ctx.rng, language, topic, detail) + embed_of(previous, language),
                header_image=images[i % len(images)] if i % 3 != 2 else None,
            )
            post.tags.add(TAGS[language][i % 5], TAGS[language][(i * 3 + 1) % 5])
            blog.add_child(instance=post)
            post.save_revision(user=author).publish(user=author, skip_permission_checks=True)
            # Conversations only on the newest posts: they are the ones people open first.
            if i >= ctx.posts - 20:
                converse(ctx, post, author, language, i)
        previous = post
        progress.step()
    ctx.manifest["blogs"] = [
        {
            "title": b.title,
            "url": b.url,
            "author": b.author.username if b.author else None,
            "space": b.space.slug if b.space else None,
        }
        for b in BlogIndexPage.objects.select_related("author", "space")
    ]


EMBED_INTRO = {"en": "Read this one too:", "de": "Lesen Sie auch:"}


def embed_of(page, language: str) -> str:
    """A paragraph with only a page-chooser link: shown as a preview card of `page` to
    readers who may see it (every fourth post has one)."""
    if page is None or page.pk % 4:
        return ""
    return (
        f"<p>{EMBED_INTRO[language]}</p>"
        f'<p><a linktype="page" id="{page.pk}">{escape(page.title)}</a></p>'
    )


def converse(ctx: DemoContext, post: BlogPostPage, author, language: str, i: int) -> None:
    """Two comments (one with a link, one with a mention), a reply and reactions, written
    directly: the demo must not trip the rate limit the actions enforce."""
    space = post.get_space()
    if space is not None and space.is_members_only:
        pool = [m.user for m in space.memberships.select_related("user")]
    else:
        pool = list(ctx.users)
    readers = [u for u in pool if u.pk != author.pk]
    if len(readers) < 2:
        return
    first, second = readers[i % len(readers)], readers[(i + 1) % len(readers)]
    texts = COMMENTS[language]
    made = []
    for n, (who, text) in enumerate(
        [
            (first, texts[i % 3].format(name=author.username)),
            (second, texts[(i + 1) % 3].format(name=author.username)),
        ]
    ):
        made.append(
            Comment.objects.create(
                post=post,
                author=who,
                body=text,
                body_html=actions.render_comment(text),
                created_at=post.date + timedelta(minutes=30 * (n + 1)),
            )
        )
    Comment.objects.create(
        post=post,
        author=author,
        parent=made[0],
        body=REPLIES[language],
        body_html=actions.render_comment(REPLIES[language]),
        created_at=post.date + timedelta(hours=2),
    )
    kinds = Reaction.Kind.values
    for n, who in enumerate(readers[: 2 + i % 5]):
        Reaction.objects.get_or_create(post=post, user=who, kind=kinds[(i + n) % len(kinds)])
