"""Everything the intranet holds about one person, as JSON documents and their own files,
and the ZIP that carries them (`zip_chunks`), streamed as it is written.

The rule for what goes in: what the person gave or did (their profile, posts, pages,
comments, reactions, follows, settings, tokens' names, uploads) and what was recorded about
them (audit entries), with only as much of other people's content as makes it readable (the
title of the post a comment is on). Whatever sits in a members-only space they may no
longer see is left out, as everywhere else, through `intranet.access`: their own words
there included, since a ZIP must not be a way back into a space they left.

JSON keys are English and stable (for tools); the README inside is in the reader's
language. Secrets never leave: no password hash, token, token hash or token prefix, no
second-factor secret, nothing a single-sign-on provider sent."""

from __future__ import annotations

import io
import json
import logging
import posixpath
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision
from wagtail.users.models import UserProfile

from api.models import ApiToken
from audit.models import AuditEntry
from blogs.models import BlogPostPage, Comment, Reaction
from community.models import Follow, MutedSpace, Notification, NotificationSetting, Report
from feeds.models import FeedToken
from intranet.access import hidden_space_ids, visibility_filter, visible_pages, visible_spaces
from intranet.files import may_read_upload
from intranet.models import JoinRequest, Membership
from intranet.people import display_name
from profiles.models import Endorsement, Profile
from wiki.models import EditDraft, WikiPage

logger = logging.getLogger(__name__)

# How much of a stored file is read (and written into the ZIP) at a time.
CHUNK_BYTES = 256 * 1024

Absolute = Callable[[str], str]


@dataclass(frozen=True)
class StoredFile:
    """A file of the person's, and where it goes in the ZIP."""

    path: str
    file: FieldFile


@dataclass
class PersonalData:
    """The JSON documents (file name → content) and the person's files."""

    documents: dict[str, object] = field(default_factory=dict)
    files: list[StoredFile] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """How many records of each kind, for the audit entry and the download page."""
        return {
            name.removesuffix(".json"): _count(content) for name, content in self.documents.items()
        } | {"files": len(self.files)}


def _count(content: object) -> int:
    if isinstance(content, list):
        return len(content)
    if isinstance(content, dict):
        return sum(_count(value) for value in content.values() if isinstance(value, list))
    return 0


def unhidden(user, queryset: QuerySet) -> QuerySet:
    """Pages of `queryset` outside the members-only spaces `user` may not see, drafts
    included: `visible_pages` without its `live` condition, for the person's own pages."""
    return queryset.filter(visibility_filter(user, queryset.model))


def person_ref(person) -> dict | None:
    """Another person as the export names them: how the intranet shows them, nothing more."""
    if person is None:
        return None
    return {"name": display_name(person), "username": person.get_username()}


def page_ref(page, absolute: Absolute) -> dict:
    return {"id": page.pk, "title": page.title, "url": absolute(page.url or "")}


def collect_personal_data(user, absolute: Absolute) -> PersonalData:
    """Everything of `user`'s they may see now; `absolute` makes a path a full address."""
    data = PersonalData()
    profile = Profile.objects.select_related("department", "manager", "cover").filter(user=user)
    profile = profile.first()
    data.documents["profile.json"] = _profile(user, profile)
    data.documents["account.json"] = _account(user)
    data.documents["posts.json"] = _posts(user, absolute)
    data.documents["wiki.json"] = _wiki(user, absolute)
    data.documents["comments.json"] = _comments(user, absolute)
    data.documents["reactions.json"] = _reactions(user, absolute)
    data.documents["follows.json"] = _follows(user, absolute)
    data.documents["notifications.json"] = _notifications(user, absolute)
    data.documents["tokens.json"] = _tokens(user)
    data.documents["memberships.json"] = _memberships(user, absolute)
    data.documents["reports.json"] = _reports(user, absolute)
    data.documents["audit.json"] = _audit(user)
    data.documents["uploads.json"], data.files = _uploads(user, profile)
    return data


# --- the documents --------------------------------------------------------------------------


def _field_value(instance: models.Model, model_field: models.Field) -> object:
    if model_field.is_relation:
        related = getattr(instance, model_field.name)
        if related is None:
            return None
        if related._meta.model_name == "user":
            return person_ref(related)
        return str(related)
    value = getattr(instance, model_field.name)
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def _profile(user, profile: Profile | None) -> dict:
    """The account's names and every field of the profile (a field added later is included
    without anyone remembering to), skills with who endorsed them, languages."""
    account = {
        "username": user.get_username(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_site_admin": user.is_superuser,
    }
    if profile is None:
        return {"account": account, "profile": None}
    fields = {
        f.name: _field_value(profile, f)
        for f in Profile._meta.concrete_fields
        if f.name not in ("id", "user")
    }
    skills = [
        {
            "skill": item.skill.name,
            "level": item.get_level_display(),
            "endorsed_by": [
                {"person": person_ref(e.endorser), "at": e.created_at}
                for e in item.endorsements.all()
            ],
        }
        for item in profile.profile_skills.select_related("skill").prefetch_related(
            "endorsements__endorser"
        )
    ]
    endorsed = Endorsement.objects.filter(endorser=user).select_related(
        "profile_skill__skill", "profile_skill__profile__user"
    )
    return {
        "account": account,
        "profile": fields,
        "spoken_languages": profile.spoken_language_codes,
        "skills": skills,
        "endorsements_given": [
            {
                "person": person_ref(e.profile_skill.profile.user),
                "skill": e.profile_skill.skill.name,
                "at": e.created_at,
            }
            for e in endorsed
        ],
    }


def _account(user) -> dict:
    """How they sign in: addresses, single-sign-on links and second factors, by kind and
    date only."""
    return {
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "single_sign_on": [
            {
                "provider": a.provider,
                "uid": a.uid,
                "linked": a.date_joined,
                "last_login": a.last_login,
            }
            for a in SocialAccount.objects.filter(user=user)
        ],
        "two_factor": [
            {"type": a.type, "created": a.created_at, "last_used": a.last_used_at}
            for a in Authenticator.objects.filter(user=user)
        ],
    }


def _posts(user, absolute: Absolute) -> list[dict]:
    posts = unhidden(user, BlogPostPage.objects.filter(owner=user)).select_related("space")
    return [
        {
            **page_ref(post, absolute),
            "space": post.space.title if post.space else None,
            "live": post.live,
            "date": post.date,
            "first_published_at": post.first_published_at,
            "last_published_at": post.last_published_at,
            "teaser": post.teaser,
            "body_html": post.body,
            "tags": [tag.name for tag in post.tags.all()],
        }
        for post in posts.prefetch_related("tags").order_by("date", "pk")
    ]


def _wiki(user, absolute: Absolute) -> dict:
    """Pages they own, every page revision they saved (on pages they may still see) and the
    editor drafts they have not published."""
    owned = unhidden(user, WikiPage.objects.filter(owner=user)).select_related("space")
    revisions = list(
        Revision.page_revisions.filter(user=user)
        .order_by("created_at", "pk")
        .values_list("object_id", "created_at", "content__edit_summary")
    )
    pages = unhidden(user, Page.objects.filter(pk__in={int(r[0]) for r in revisions}))
    pages_by_id = {str(page.pk): page for page in pages.specific()}
    drafts = EditDraft.objects.filter(user=user, page__in=unhidden(user, Page.objects.all()))
    return {
        "pages_owned": [
            {
                **page_ref(page, absolute),
                "space": page.space.title if page.space else None,
                "live": page.live,
                "first_published_at": page.first_published_at,
                "last_published_at": page.last_published_at,
            }
            for page in owned.order_by("path")
        ],
        "revisions": [
            {"page": page_ref(pages_by_id[page_id], absolute), "at": at, "summary": summary or ""}
            for page_id, at, summary in revisions
            if page_id in pages_by_id
        ],
        "drafts": [
            {
                "page": page_ref(draft.page, absolute),
                "new_page": draft.new_page,
                "title": draft.title,
                "body_html": draft.body,
                "edit_summary": draft.edit_summary,
                "updated_at": draft.updated_at,
            }
            for draft in drafts.select_related("page")
        ],
    }


def _comments(user, absolute: Absolute) -> list[dict]:
    comments = Comment.visible_to(user).filter(author=user).select_related("post")
    return [
        {
            "id": comment.pk,
            "post": page_ref(comment.post, absolute),
            "reply_to": comment.parent_id,
            "written": comment.created_at,
            "text": comment.body,
            "hidden_by_moderators": comment.is_hidden,
        }
        for comment in comments.order_by("created_at", "pk")
    ]


def _reactions(user, absolute: Absolute) -> list[dict]:
    posts = visible_pages(user, BlogPostPage.objects.all())
    reactions = Reaction.objects.filter(user=user, post__in=posts).select_related("post")
    return [
        {"post": page_ref(r.post, absolute), "reaction": r.kind, "at": r.created_at}
        for r in reactions.order_by("created_at", "pk")
    ]


def _follows(user, absolute: Absolute) -> dict:
    """What they follow (spaces and pages they may still see), and how many follow them."""
    follows = Follow.objects.filter(user=user).filter(
        Q(space__isnull=True) | Q(space__in=visible_spaces(user)),
        Q(page__isnull=True) | Q(page__in=visible_pages(user)),
    )
    rows = []
    for follow in follows.select_related("space", "person", "page").order_by("created_at", "pk"):
        target: object = follow.tag
        if follow.space is not None:
            target = page_ref(follow.space, absolute)
        elif follow.page is not None:
            target = page_ref(follow.page, absolute)
        elif follow.person is not None:
            target = person_ref(follow.person)
        rows.append({"kind": follow.kind, "follows": target, "since": follow.created_at})
    return {
        "following": rows,
        "followed_by_people": Follow.objects.filter(kind=Follow.Kind.PERSON, person=user).count(),
    }


def _notifications(user, absolute: Absolute) -> dict:
    muted = MutedSpace.objects.filter(user=user, space__in=visible_spaces(user))
    return {
        "settings": NotificationSetting.deliveries_for(user),
        "muted_spaces": [page_ref(m.space, absolute) for m in muted.select_related("space")],
        "received": [
            {
                "kind": n.kind,
                "text": n.display_text,
                "link": absolute(n.link) if n.link else "",
                "at": n.created_at,
                "read_at": n.read_at,
            }
            for n in Notification.for_user(user)
        ],
    }


def _tokens(user) -> dict:
    """Names and dates only: never a token, its hash or its first characters."""
    feed_token = FeedToken.objects.filter(user=user).first()
    return {
        "feed_token": (
            {"created": feed_token.created_at, "last_used": feed_token.last_used_at}
            if feed_token
            else None
        ),
        "api_tokens": [
            {
                "name": t.name,
                "scope": t.scope,
                "created": t.created_at,
                "last_used": t.last_used_at,
                "expires": t.expires_at,
                "revoked": t.revoked_at,
            }
            for t in ApiToken.objects.filter(user=user, service=False)
        ],
    }


def _memberships(user, absolute: Absolute) -> dict:
    spaces = visible_spaces(user)
    memberships = Membership.objects.filter(user=user, space__in=spaces).select_related("space")
    requests = JoinRequest.objects.filter(user=user, space__in=spaces).select_related("space")
    return {
        "memberships": [
            {"space": page_ref(m.space, absolute), "role": m.role, "joined": m.created_at}
            for m in memberships.order_by("created_at", "pk")
        ],
        "join_requests": [
            {
                "space": page_ref(r.space, absolute),
                "role": r.role,
                "message": r.message,
                "at": r.created_at,
            }
            for r in requests
        ],
    }


def _reports(user, absolute: Absolute) -> list[dict]:
    """Content they reported to the moderators, on pages they may still see."""
    reports = Report.objects.filter(reporter=user, page__in=visible_pages(user))
    return [
        {
            "page": page_ref(r.page, absolute),
            "comment_id": r.comment_id,
            "reason": r.reason,
            "status": r.status,
            "at": r.created_at,
        }
        for r in reports.select_related("page").order_by("created_at", "pk")
    ]


def _audit(user) -> list[dict]:
    """Audit entries where they acted or were acted on. The address and browser are theirs
    only when they acted; an entry about a members-only space they no longer see keeps its
    action and date, not the space's title or details."""
    hidden = set(hidden_space_ids(user))
    rows = []
    for entry in AuditEntry.objects.filter(Q(actor=user) | Q(target=user)).order_by("at", "pk"):
        concealed = entry.space_id in hidden
        mine = entry.actor_id == user.pk
        rows.append(
            {
                "at": entry.at,
                "action": entry.action,
                "description": entry.get_action_display(),
                "by": entry.actor_name,
                "concerning": entry.target_name,
                "space": None if concealed else (entry.space_title or None),
                "details": {} if concealed else entry.details,
                "ip_address": entry.ip_address if mine else None,
                "browser": entry.user_agent if mine else "",
            }
        )
    return rows


def _uploads(user, profile: Profile | None) -> tuple[dict, list[StoredFile]]:
    """Their profile photo, their admin avatar, and the images and documents they uploaded
    that they may still read (`intranet.files.may_read_upload`: an upload shown only in a
    space they left stays there)."""
    files: list[StoredFile] = []
    listing: dict[str, list] = {
        "profile_photo": [],
        "admin_avatar": [],
        "images": [],
        "documents": [],
    }
    if profile is not None and profile.photo:
        path = "files/profile-photo" + posixpath.splitext(profile.photo.name)[1]
        files.append(StoredFile(path, profile.photo))
        listing["profile_photo"].append({"file": path})
    wagtail_profile = UserProfile.objects.filter(user=user).first()
    if wagtail_profile is not None and wagtail_profile.avatar:
        path = "files/admin-avatar" + posixpath.splitext(wagtail_profile.avatar.name)[1]
        files.append(StoredFile(path, wagtail_profile.avatar))
        listing["admin_avatar"].append({"file": path})
    for kind, model in (("images", get_image_model()), ("documents", get_document_model())):
        for upload in model.objects.filter(uploaded_by_user=user).order_by("created_at", "pk"):
            if not may_read_upload(user, upload):
                continue
            path = f"files/{kind}/{upload.pk}-{posixpath.basename(upload.file.name)}"
            files.append(StoredFile(path, upload.file))
            listing[kind].append(
                {"title": upload.title, "uploaded": upload.created_at, "file": path}
            )
    return listing, files


# --- the ZIP ----------------------------------------------------------------------------------


class _Chunks(io.RawIOBase):
    """Where the ZIP writer writes: it keeps what was written until `take()` hands it on.
    Not seekable, so `zipfile` writes each member's sizes after its data (a streamed ZIP)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def as_json(content: object) -> bytes:
    return json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def zip_chunks(data: PersonalData, readme: str) -> Iterator[bytes]:
    """The ZIP of `readme`, the documents and the files, in pieces as it is written: memory
    holds one piece of one file at a time, whatever the total. A file gone from the storage
    is listed in `missing-files.json` instead of failing the half-sent download."""
    sink = _Chunks()
    missing: list[str] = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme.encode())
        for name, content in data.documents.items():
            archive.writestr(name, as_json(content))
            yield sink.take()
        for stored in data.files:
            storage, name = stored.file.storage, stored.file.name
            try:
                large = storage.size(name) >= zipfile.ZIP64_LIMIT
                source = storage.open(name, "rb")
            except OSError:
                logger.warning("Personal data export: %s is missing", name)
                missing.append(stored.path)
                continue
            with source, archive.open(stored.path, "w", force_zip64=large) as target:
                while chunk := source.read(CHUNK_BYTES):
                    target.write(chunk)
                    yield sink.take()
        if missing:
            archive.writestr("missing-files.json", as_json(missing))
    yield sink.take()
