"""Demo people for `seed_demo`: a department tree, managers and generated avatars."""

from __future__ import annotations

import io
import random

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from intranet.demo import DemoContext
from profiles.models import Department, Endorsement, Profile, ProfileSkill, Skill, SpokenLanguage

DEPARTMENTS = [
    # slug, name, parent slug
    ("company", "Company", None),
    ("it", "IT", "company"),
    ("it-ops", "IT Operations", "it"),
    ("software", "Software Development", "it"),
    ("people", "People & Culture", "company"),
    ("finance", "Finance", "company"),
    ("marketing", "Marketing", "company"),
    ("sales", "Sales", "company"),
]

# Fixed personas first (scripts and tests log in as them), then generated colleagues.
PERSONAS = [
    ("anna", "Anna", "Schmidt", "Head of IT", "it", True),
    ("ben", "Ben", "Weber", "Accountant", "finance", False),
    ("clara", "Clara", "Fischer", "Product Manager", "software", False),
    ("david", "David", "Müller", "Platform Engineer", "it-ops", False),
    ("emma", "Emma", "Wagner", "HR Partner", "people", False),
    ("felix", "Felix", "Becker", "Marketing Lead", "marketing", False),
]
FIRST = [
    "Lena",
    "Jonas",
    "Mia",
    "Lukas",
    "Sofia",
    "Noah",
    "Hannah",
    "Elias",
    "Lea",
    "Paul",
    "Marie",
    "Leon",
    "Emilia",
    "Finn",
    "Ida",
    "Oskar",
    "Greta",
    "Karim",
    "Aylin",
    "Tom",
]
LAST = [
    "Schneider",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Braun",
    "Zimmermann",
    "Krüger",
    "Hartmann",
    "Lange",
    "Werner",
    "Krause",
    "Yilmaz",
]
TITLES = ["Engineer", "Analyst", "Designer", "Consultant", "Specialist", "Team Lead", "Manager"]
LOCATIONS = ["Berlin HQ, 3rd floor", "Hamburg office", "Munich office", "Remote", "Vienna office"]
# Skills by department, so the expert finder has something to find ("kubernetes").
SKILLS = {
    "it": ["Kubernetes", "Linux", "Networking", "Security"],
    "it-ops": ["Kubernetes", "Terraform", "Monitoring", "Linux"],
    "software": ["Python", "Django", "Kubernetes", "Accessibility", "TypeScript"],
    "people": ["Recruiting", "Onboarding", "Employment law"],
    "finance": ["Accounting", "Excel", "Travel expenses"],
    "marketing": ["Media relations", "Copywriting", "SEO"],
    "sales": ["Negotiation", "CRM", "Customer feedback"],
}
PERSONA_SKILLS = {
    "anna": [("Kubernetes", 3), ("Security", 4)],
    "david": [("Kubernetes", 4), ("Terraform", 3), ("Linux", 4)],
    "clara": [("Accessibility", 3), ("Release planning", 4)],
    "emma": [("Onboarding", 4), ("Employment law", 3)],
    "felix": [("Media relations", 4), ("Copywriting", 3)],
    "ben": [("Travel expenses", 4), ("Excel", 3)],
}
COLOURS = ["#2454d6", "#1f7a4d", "#9a5b00", "#b42318", "#6941c6", "#0e7090", "#c11574"]


def initials_avatar(initials: str, colour: str, size: int = 256) -> bytes:
    """A round-looking square PNG with the person's initials, made with Pillow."""
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", size // 2 - 20)
    except OSError:
        font = ImageFont.load_default(size=size // 2 - 20)
    draw.text((size / 2, size / 2), initials, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def seed(ctx: DemoContext) -> None:
    User = get_user_model()
    departments: dict[str, Department] = {}
    for slug, name, parent in DEPARTMENTS:
        dept, _ = Department.objects.get_or_create(
            slug=slug, defaults={"name": name, "parent": departments.get(parent)}
        )
        departments[slug] = dept

    rows = list(PERSONAS)
    rng = random.Random(ctx.seed)
    dept_slugs = [d[0] for d in DEPARTMENTS[1:]]
    for i in range(len(rows), ctx.people):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        rows.append(
            (f"user{i:05d}", first, last, rng.choice(TITLES), rng.choice(dept_slugs), False)
        )

    progress = ctx.progress("people", len(rows))
    users = []
    for index, (username, first, last, title, dept_slug, is_admin) in enumerate(rows):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.com",
                is_staff=is_admin,
                is_superuser=is_admin,
            )
            if ctx.password:
                user.set_password(ctx.password)
            else:
                user.set_unusable_password()
            user.save()
            profile = Profile.for_user(user)
            profile.job_title = title
            profile.department = departments[dept_slug]
            profile.preferred_language = "de" if index % 3 == 1 else "en"
            if index < 400:  # generated photos for the first few hundred, initials beyond
                colour = COLOURS[index % len(COLOURS)]
                profile.photo.save(
                    f"{username}.png",
                    ContentFile(initials_avatar(first[0] + last[0], colour)),
                    save=False,
                )
            profile.save()
        users.append(user)
        progress.step()

    # Heads of departments and a reporting line: the first person in each department leads it.
    if not Department.objects.exclude(head=None).exists():
        for dept in departments.values():
            member = Profile.objects.filter(department=dept).order_by("user_id").first()
            if member:
                dept.head = member.user
                dept.save(update_fields=["head"])
        # The company is led by the first persona (anna), so every line ends at the top.
        top = departments["company"]
        if top.head is None and users:
            top.head = users[0]
            top.save(update_fields=["head"])
        for profile in Profile.objects.select_related("department", "department__parent"):
            dept = profile.department
            head = dept.head if dept else None
            if head == profile.user:
                # A head reports to the head of the department above (or above that).
                parent = dept.parent
                while parent is not None and parent.head in (None, profile.user):
                    parent = parent.parent
                head = parent.head if parent else None
            if head and head != profile.user:
                profile.manager = head
                profile.save(update_fields=["manager"])
    ctx.users = users
    seed_details(ctx, users)


def seed_details(ctx: DemoContext, users: list) -> None:
    """Locations, languages, skills and endorsements, once (skipped if any skill exists)."""
    if ProfileSkill.objects.exists():
        return
    rng = random.Random(ctx.seed + 7)
    profiles = list(Profile.objects.filter(user__in=users).select_related("user", "department"))
    skills: dict[str, Skill] = {}
    profile_skills: list[ProfileSkill] = []
    languages: list[SpokenLanguage] = []
    for profile in profiles:
        profile.location = rng.choice(LOCATIONS)
        profile.phone = f"+49 30 {rng.randrange(1000000, 9999999)}"
        profile.ask_me_about = ""
        pool = SKILLS.get(profile.department.slug if profile.department else "", [])
        chosen = PERSONA_SKILLS.get(
            profile.user.username,
            [(name, rng.randint(1, 4)) for name in rng.sample(pool, min(len(pool), 2))],
        )
        if chosen:
            profile.ask_me_about = ", ".join(name for name, _level in chosen)
        for name, level in chosen:
            if name not in skills:
                skills[name] = Skill.named(name)
            profile_skills.append(ProfileSkill(profile=profile, skill=skills[name], level=level))
        codes = {"de", "en"} if rng.random() < 0.7 else {"en"}
        if rng.random() < 0.3:
            codes.add(rng.choice(["fr", "es", "tr", "pl", "it"]))
        languages += [SpokenLanguage(profile=profile, code=code) for code in sorted(codes)]
    Profile.objects.bulk_update(profiles, ["location", "phone", "ask_me_about"], batch_size=500)
    ProfileSkill.objects.bulk_create(profile_skills, batch_size=500)
    SpokenLanguage.objects.bulk_create(languages, batch_size=500)
    endorsements = []
    everyone = [p.user for p in profiles]
    for ps in ProfileSkill.objects.filter(profile__in=profiles).select_related("profile"):
        colleagues = [u for u in everyone if u.pk != ps.profile.user_id]
        for endorser in rng.sample(colleagues, min(len(colleagues), rng.randrange(0, 6))):
            endorsements.append(Endorsement(profile_skill=ps, endorser=endorser))
    Endorsement.objects.bulk_create(endorsements, batch_size=500, ignore_conflicts=True)
    # bulk writes skip the index signals; refresh the people index once.
    from wagtail.search.index import insert_or_update_object

    for profile in profiles[:2000]:
        insert_or_update_object(profile)
