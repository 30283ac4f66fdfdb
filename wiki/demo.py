"""Demo wiki pages for `seed_demo`: a small hand-written wiki in the first spaces (German and
English, nested pages, [[links]], several revisions by different authors with summaries),
then generated pages up to `--wiki`."""

from __future__ import annotations

from intranet.demo import TOPICS, DemoContext, paragraphs
from intranet.models import Role, roles_at_least
from wiki.models import WikiPage

# (slug, parent slug or None, language, title, [(body, summary), ...]) per space index.
HANDWRITTEN: dict[int, list[tuple[str, str | None, str, str, list[tuple[str, str]]]]] = {
    0: [
        (
            "laptop-setup",
            None,
            "en",
            "Laptop setup",
            [
                ("<p>Every new laptop comes with the standard image.</p>", "First draft"),
                (
                    "<p>Every new laptop comes with the standard image.</p>"
                    "<h2>First start</h2><ol><li>Log in with your account.</li>"
                    "<li>Set up [[VPN access]].</li></ol>",
                    "Added first start steps",
                ),
                (
                    "<p>Every new laptop comes with the standard image and full-disk "
                    "encryption.</p><h2>First start</h2><ol><li>Log in with your account.</li>"
                    "<li>Set up [[VPN access]].</li><li>Install a printer: [[Printer setup]].</li>"
                    "</ol><p>See also the [[Password policy]].</p>",
                    "Encryption, printers and passwords",
                ),
            ],
        ),
        (
            "vpn-access",
            "laptop-setup",
            "en",
            "VPN access",
            [
                ("<p>Install the VPN client from the software centre.</p>", "New page"),
                (
                    "<p>Install the VPN client from the software centre.</p>"
                    "<pre>vpn connect office.example.com</pre>"
                    "<p>Two-factor authentication is required.</p>",
                    "Command and 2FA note",
                ),
            ],
        ),
        (
            "printer-setup",
            "laptop-setup",
            "en",
            "Printer setup",
            [
                ("<p>Printers are added automatically on the office network.</p>", "Start"),
                (
                    "<p>Printers are added automatically on the office network. At home, "
                    "connect to [[VPN access]] first.</p>",
                    "Home office hint",
                ),
            ],
        ),
        (
            "password-policy",
            None,
            "en",
            "Password policy",
            [
                ("<p>Passwords need at least 12 characters.</p>", "Policy from the handbook"),
                (
                    "<p>Use a passphrase of at least 14 characters and a password manager.</p>"
                    "<ul><li>Never reuse passwords.</li><li>Turn on two-factor authentication."
                    "</li></ul>",
                    "Longer passphrases, password manager",
                ),
            ],
        ),
    ],
    1: [
        (
            "urlaub-beantragen",
            None,
            "de",
            "Urlaub beantragen",
            [
                ("<p>Urlaub wird im Personalportal beantragt.</p>", "Erste Fassung"),
                (
                    "<p>Urlaub wird im Personalportal beantragt und von der Teamleitung "
                    "genehmigt.</p><h2>Fristen</h2><p>Mindestens zwei Wochen vorher.</p>",
                    "Fristen ergänzt",
                ),
                (
                    "<p>Urlaub wird im Personalportal beantragt und von der Teamleitung "
                    "genehmigt.</p><h2>Fristen</h2><p>Mindestens drei Wochen vorher, in den "
                    "Sommerferien sechs Wochen.</p><p>Neu hier? Siehe [[Einarbeitung]].</p>",
                    "Sommerferien-Regel, Link zur Einarbeitung",
                ),
            ],
        ),
        (
            "einarbeitung",
            None,
            "de",
            "Einarbeitung",
            [
                ("<p>Willkommen! Die erste Woche ist gut geplant.</p>", "Neue Seite"),
                (
                    "<p>Willkommen! Die erste Woche ist gut geplant.</p><ul><li>Laptop "
                    "abholen</li><li>[[Checkliste erster Tag]] durchgehen</li></ul>",
                    "Checkliste verlinkt",
                ),
            ],
        ),
        (
            "checkliste-erster-tag",
            "einarbeitung",
            "de",
            "Checkliste erster Tag",
            [
                ("<ol><li>Zugangskarte</li><li>Laptop</li></ol>", "Entwurf"),
                (
                    "<ol><li>Zugangskarte</li><li>Laptop</li><li>Mentorin oder Mentor "
                    "kennenlernen</li><li>[[Urlaub beantragen]] lesen</li></ol>",
                    "Mentoring und Urlaub",
                ),
            ],
        ),
    ],
    2: [
        (
            "kickoff-notes",
            None,
            "en",
            "Meeting notes: campaign kickoff",
            [
                (
                    "<h2>Agenda</h2><ol><li>Goals</li><li>Budget</li></ol>",
                    "Started from the template “Meeting notes”",
                ),
                (
                    "<h2>Agenda</h2><ol><li>Goals</li><li>Budget</li></ol><h2>Decisions</h2>"
                    "<ul><li>Launch in spring.</li></ul><h2>Action items</h2><ul><li>Draft the "
                    "press kit ([[Press kit]]).</li></ul>",
                    "Decisions and action items",
                ),
            ],
        ),
    ],
}


def _authors(space, fallback: list) -> list:
    members = [
        m.user
        for m in space.memberships.filter(role__in=roles_at_least(Role.EDITOR))
        .select_related("user")
        .order_by("pk")[:3]
    ]
    return members or fallback


def _publish_revisions(page: WikiPage, revisions: list[tuple[str, str]], authors: list) -> None:
    for number, (body, summary) in enumerate(revisions):
        author = authors[number % len(authors)]
        page.body = body
        page.edit_summary = summary
        page.save_revision(user=author, log_action=True).publish(
            user=author, skip_permission_checks=True
        )


def _seed_handwritten(ctx: DemoContext) -> list[WikiPage]:
    made = []
    for index, pages in HANDWRITTEN.items():
        if index >= len(ctx.space_pages):
            continue
        space = ctx.space_pages[index]
        authors = _authors(space, ctx.users[:1])
        for slug, parent_slug, language, title, revisions in pages:
            page = WikiPage.objects.filter(space=space, slug=slug).first()
            if page is None:
                parent = (
                    WikiPage.objects.get(space=space, slug=parent_slug) if parent_slug else space
                )
                page = WikiPage(
                    title=title, slug=slug, language=language, body="", owner=authors[0]
                )
                parent.add_child(instance=page)
                _publish_revisions(page, revisions, authors)
            made.append(page)
    return made


def seed(ctx: DemoContext) -> None:
    made = _seed_handwritten(ctx)
    spaces = ctx.space_pages
    progress = ctx.progress("wiki", ctx.wiki)
    last_title: dict[int, str] = {}
    for i in range(ctx.wiki):
        language = "de" if i % 2 else "en"
        topic, detail = TOPICS[language][i % len(TOPICS[language])]
        space = spaces[i % len(spaces)]
        slug = f"wiki-{i:05d}"
        page = WikiPage.objects.filter(slug=slug).first()
        if page is None:
            authors = _authors(space, ctx.users[:1])
            title = topic if i < len(TOPICS[language]) * 2 else f"{topic} ({i})"
            page = WikiPage(title=title, slug=slug, language=language, body="", owner=authors[0])
            space.add_child(instance=page)
            summaries = (
                ["First version", "Added details", "Fixed typos"]
                if language == "en"
                else ["Erste Fassung", "Details ergänzt", "Tippfehler korrigiert"]
            )
            # The last revision links to an earlier page of the same space, so links and
            # backlinks have something to show.
            earlier = last_title.get(space.pk)
            revisions = []
            for number, summary in enumerate(summaries):
                body = paragraphs(ctx.rng, language, topic, detail, 2 + number)
                if earlier and number == len(summaries) - 1:
                    body += f"<p>[[{earlier}]]</p>"
                revisions.append((body, summary))
            _publish_revisions(page, revisions, authors[:3])
        made.append(page)
        last_title[space.pk] = page.title
        progress.step()
    ctx.manifest["wiki_pages"] = [
        {"title": p.title, "url": p.url, "space": p.space.slug if p.space else None}
        for p in made[:200]
    ]
