"""`manage.py seed_demo`: idempotent demo data, at any scale, with a JSON manifest."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from blogs import demo as blogs_demo
from community import demo as community_demo
from home.site_tree import ensure_site_tree
from intranet import demo as intranet_demo
from intranet.demo import DemoContext
from intranet.models import Membership
from profiles import demo as profiles_demo
from wiki import demo as wiki_demo

# The apps' seeders, in the order their data depends on each other.
SEEDERS = [profiles_demo, intranet_demo, wiki_demo, blogs_demo, community_demo]


class Command(BaseCommand):
    help = "Create demo departments, people, spaces, blog posts and wiki pages (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=40)
        parser.add_argument("--spaces", type=int, default=8)
        parser.add_argument("--posts", type=int, default=60)
        parser.add_argument("--wiki", type=int, default=40)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--json", action="store_true", help="Print a JSON manifest last.")

    def handle(self, *args, **options) -> None:
        for name in ("people", "spaces", "posts", "wiki"):
            if options[name] < 0:
                self.stderr.write(f"--{name} must not be negative.")
                raise SystemExit(2)
        ctx = DemoContext(
            people=max(options["people"], 6),
            spaces=max(options["spaces"], 6),
            posts=options["posts"],
            wiki=options["wiki"],
            seed=options["seed"],
        )
        with transaction.atomic():
            ctx.home, _, _ = ensure_site_tree()
        for seeder in SEEDERS:
            seeder.seed(ctx)
        ctx.manifest["users"] = self.users_manifest(ctx)
        if options["json"]:
            self.stdout.write(json.dumps(ctx.manifest, indent=None, default=str))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data is ready."))
            if ctx.password:
                self.stdout.write(
                    f"Log in as anna (site admin), ben, clara, david, emma or felix "
                    f"with the password {ctx.password!r}."
                )

    def users_manifest(self, ctx: DemoContext) -> list[dict]:
        roles: dict[int, dict[str, str]] = {}
        for user_id, slug, role in Membership.objects.values_list("user_id", "space__slug", "role"):
            roles.setdefault(user_id, {})[slug] = role
        return [
            {
                "username": user.username,
                "password": settings.DEMO_PASSWORD or None,
                "is_staff": user.is_staff,
                "is_superuser": user.is_superuser,
                "spaces": roles.get(user.pk, {}),
            }
            for user in ctx.users
        ]
