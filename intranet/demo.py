"""Demo data for `seed_demo`: shared helpers (context, progress bar, text) and the spaces.

Each app has a `demo.py` with a `seed(ctx)` function; the command (in `home`, the floor
above them all) calls them in order. Everything is idempotent: running the command twice
changes nothing."""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field

from django.conf import settings
from wagtail.models import Page


class Progress:
    """A small progress bar on stderr for long runs; silent when there is little to do."""

    def __init__(self, label: str, total: int, stream=None, min_total: int = 50):
        self.label, self.total, self.done = label, total, 0
        self.stream = stream or sys.stderr
        self.enabled = total >= min_total
        # On a terminal the bar redraws in place; in a log it prints a line per quarter.
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.every = max(1, total // (50 if self.interactive else 4))

    def step(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled or (self.done % self.every and self.done != self.total):
            return
        width = 30
        filled = int(width * self.done / max(1, self.total))
        bar = f"{self.label:<8} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}"
        end = "\n" if self.done >= self.total or not self.interactive else ""
        self.stream.write(("\r" if self.interactive else "") + bar + end)
        self.stream.flush()


@dataclass
class DemoContext:
    people: int = 40
    posts: int = 60
    wiki: int = 40
    spaces: int = 8
    seed: int = 42
    # The site's home page, for what hangs directly below it (the community guidelines).
    home: Page | None = None
    rng: random.Random = field(init=False)
    users: list = field(default_factory=list)
    space_pages: list = field(default_factory=list)
    manifest: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @property
    def password(self) -> str | None:
        return settings.DEMO_PASSWORD or None

    def progress(self, label: str, total: int) -> Progress:
        return Progress(label, total)


# Words for generated text, in both languages, so search has real word forms to find.
TOPICS = {
    "en": [
        ("Kubernetes", "cluster deployments, rolling updates and publishing container images"),
        ("Onboarding", "the first week of new colleagues, accounts, laptops and mentors"),
        ("Travel expenses", "how to file travel expenses and which receipts are needed"),
        ("Security", "phishing, passwords, two-factor authentication and reporting incidents"),
        ("Customer feedback", "what customers told us in interviews and surveys this quarter"),
        ("Release planning", "milestones, release trains and publishing the changelog"),
        ("Media relations", "press contacts, media kits and published interviews"),
        ("Accessibility", "keyboard navigation, contrast and screen readers in our products"),
    ],
    "de": [
        ("Urlaubsanträge", "wie Anträge auf Urlaub gestellt und genehmigt werden"),
        ("Medien", "Pressekontakte, Medien und veröffentlichte Artikel über uns"),
        ("Kubernetes-Betrieb", "Cluster, Bereitstellungen und Überwachung im Rechenzentrum"),
        ("Einarbeitung", "die erste Woche neuer Kolleginnen und Kollegen"),
        ("Reisekosten", "Abrechnung von Dienstreisen, Belege und Fristen"),
        ("Datenschutz", "personenbezogene Daten, Auskunftsersuchen und Löschfristen"),
        ("Betriebsausflug", "Planung, Anmeldung und Programm des Sommerfests"),
        ("Barrierefreiheit", "Tastaturbedienung, Kontraste und Screenreader"),
    ],
}

SENTENCES = {
    "en": [
        "We collected the most common questions about {topic_l} in one place.",
        "This note explains {detail}.",
        "If something is missing, add it or ask in the comments.",
        "The team reviewed the process last month and simplified two steps.",
        "Please read this before you start, it saves everyone time.",
        "Thanks to everyone who contributed ideas and corrections.",
    ],
    "de": [
        "Hier sammeln wir die häufigsten Fragen zu {topic}.",
        "Diese Seite beschreibt {detail}.",
        "Wenn etwas fehlt, ergänzt es bitte oder fragt in den Kommentaren.",
        "Das Team hat den Ablauf im letzten Monat überarbeitet und zwei Schritte vereinfacht.",
        "Bitte lest das vor dem Start, es spart allen Zeit.",
        "Danke an alle, die Ideen und Korrekturen beigetragen haben.",
    ],
}


def paragraphs(rng: random.Random, language: str, topic: str, detail: str, count: int = 3) -> str:
    """Rich-text HTML of `count` short paragraphs about a topic."""
    out = []
    for _ in range(count):
        picked = rng.sample(SENTENCES[language], 3)
        text = " ".join(s.format(topic=topic, topic_l=topic.lower(), detail=detail) for s in picked)
        out.append(f"<p>{text}</p>")
    return "".join(out)


SPACES = [
    # slug, title, kind, visibility, join policy, description
    (
        "it",
        "IT",
        "department",
        "open",
        "open",
        "Infrastructure, laptops, accounts and the service desk.",
    ),
    (
        "hr",
        "People & Culture",
        "department",
        "open",
        "open",
        "Everything about working here: leave, benefits, onboarding.",
    ),
    (
        "marketing",
        "Marketing",
        "department",
        "open",
        "approval",
        "Campaigns, brand, press and media.",
    ),
    (
        "platform",
        "Platform Team",
        "team",
        "open",
        "open",
        "Kubernetes, CI and the developer platform.",
    ),
    (
        "project-atlas",
        "Project Atlas",
        "project",
        "members",
        "invite",
        "Confidential: the Atlas acquisition project.",
    ),
    (
        "running-club",
        "Running Club",
        "community",
        "open",
        "open",
        "Lunch runs, city marathons and training plans.",
    ),
    (
        "accessibility",
        "Accessibility Guild",
        "community",
        "open",
        "open",
        "Making our products usable by everyone.",
    ),
    (
        "board",
        "Leadership Circle",
        "team",
        "members",
        "approval",
        "Leadership team notes and planning.",
    ),
]


def seed(ctx: DemoContext) -> None:
    """Spaces of every kind (two members-only) with members in every role."""
    from intranet import actions
    from intranet.models import JoinRequest, Membership, Role, SpacePage

    users = ctx.users
    admin = users[0]
    rows = list(SPACES)
    for i in range(len(rows), ctx.spaces):
        rows.append(
            (
                f"team-{i}",
                f"Team {i}",
                "team",
                "open" if i % 5 else "members",
                "open",
                f"Generated team {i}.",
            )
        )
    progress = ctx.progress("spaces", len(rows))
    for index, (slug, title, kind, visibility, policy, description) in enumerate(
        rows[: max(ctx.spaces, 6)]
    ):
        space = SpacePage.objects.filter(slug=slug).first()
        if space is None:
            space = actions.create_space(
                title=title,
                slug=slug,
                description=description,
                kind=kind,
                visibility=visibility,
                join_policy=policy,
                actor=admin,
            )
        ctx.space_pages.append(space)
        if not Membership.objects.filter(space=space).exclude(user=admin).exists():
            rng = random.Random(ctx.seed + index)
            # Ben is the demo outsider: never in a members-only space. Clara and David are
            # always in Project Atlas, so every persona has a known view of it.
            pool = [u for u in users[1:] if not (space.is_members_only and u.username == "ben")]
            members = rng.sample(pool, min(len(pool), 3 + rng.randrange(8)))
            if slug == "project-atlas":
                named = {u.username: u for u in users}
                members = [named["clara"], named["david"]] + [
                    m for m in members if m.username not in {"clara", "david"}
                ]
            roles = [Role.ADMIN, Role.MODERATOR, Role.EDITOR, Role.EDITOR] + [Role.READER] * len(
                members
            )
            if slug == "project-atlas":
                roles = [Role.EDITOR, Role.READER] + [Role.MODERATOR] + [Role.READER] * len(members)
            for member, role in zip(members, roles, strict=False):
                actions.set_member_role(space, member, role, actor=admin)
        progress.step()
    # Open join requests, so moderators find work on the members page: Ben (the outsider)
    # asks to join Marketing, which needs approval.
    named = {u.username: u for u in users}
    marketing = next((s for s in ctx.space_pages if s.slug == "marketing"), None)
    if marketing is not None and "ben" in named and not marketing.role_of(named["ben"]):
        JoinRequest.objects.get_or_create(
            space=marketing,
            user=named["ben"],
            defaults={"message": "I would like to help with the spring campaign."},
        )
    ctx.manifest["spaces"] = [
        {
            "slug": space.slug,
            "title": space.title,
            "url": space.url,
            "visibility": space.visibility,
            "join_policy": space.join_policy,
            "members": Membership.objects.filter(space=space).count(),
            "roles": dict(
                Membership.objects.filter(space=space)
                .values_list("user__username", "role")
                .order_by("user__username")
            ),
            "join_requests": list(
                JoinRequest.objects.filter(space=space).values_list("user__username", flat=True)
            ),
        }
        for space in ctx.space_pages
    ]
