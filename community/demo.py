"""Demo data for the community app: the guidelines, some follows and notifications."""

from __future__ import annotations

from community import actions
from community.models import Follow, GuidelinesPage
from intranet.demo import DemoContext

GUIDELINES = (
    "<h2>Be kind, be useful</h2><p>Write for your colleagues as you would talk to them. "
    "Assume good intent, disagree with arguments, not people.</p>"
    "<h2>Keep secrets secret</h2><p>Customer data, salaries and unannounced plans belong in "
    "members-only spaces, never in open posts.</p>"
    "<h2>Sei freundlich</h2><p>Schreibt so, wie ihr mit Kolleginnen und Kollegen sprecht.</p>"
)


def seed(ctx: DemoContext) -> None:
    page = GuidelinesPage.objects.first()
    if page is None:
        page = GuidelinesPage(title="Community guidelines", slug="guidelines", body=GUIDELINES)
        ctx.home.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
    # The named personas have acknowledged them; generated people meet them on first write.
    for user in ctx.users[:6]:
        if not page.acknowledged_by(user):
            actions.acknowledge_guidelines(user, page)
    if not Follow.objects.exists() and len(ctx.users) > 6:
        users = ctx.users
        for index, user in enumerate(users[:30]):
            for other in (users[(index + 3) % len(users)], users[(index + 7) % len(users)]):
                if other != user:
                    actions.follow(user, "person", other)
            for space in ctx.space_pages[index % 3 :: 3]:
                if not space.is_members_only:
                    actions.follow(user, "space", space)
            actions.follow(user, "tag", "kubernetes")
    ctx.manifest["guidelines"] = {"url": page.url, "title": page.title}
