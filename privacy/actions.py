"""Every write of the privacy app: recording a download of one's data, and erasing a former
employee's personal data."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import ModelLogEntry, Page, PageLogEntry, Revision
from wagtail.users.models import UserProfile

from api.models import ApiToken
from audit.actions import record
from audit.models import AuditAction
from blogs.actions import free_blog_slug
from blogs.models import BlogIndexPage, Reaction
from community.models import Activity, Follow, MutedSpace, Notification, NotificationSetting
from feeds.models import FeedToken
from intranet.access import is_employee
from intranet.cache import bump_generation
from intranet.models import JoinRequest
from intranet.people import display_name, erased_username
from intranet.signals import personal_data_erased
from privacy.models import Erasure
from profiles.actions import end_sessions
from profiles.models import Endorsement, Profile, ProfileSkill, SpokenLanguage
from wiki.models import EditDraft

logger = logging.getLogger(__name__)

# Profile fields that are not the person's own data: the row's keys.
PROFILE_KEYS = ("id", "user")
# Stream entries that are about the person, not about content: gone with them.
PERSONAL_ACTIVITY = (Activity.Kind.NEW_COLLEAGUE, Activity.Kind.JOINED_SPACE)


# --- download -----------------------------------------------------------------------------


@transaction.atomic
def record_export(user, counts: dict[str, int]) -> None:
    """Write down that `user` downloaded their personal data, and how much of each kind."""
    record(AuditAction.PERSONAL_DATA_EXPORTED, actor=user, target=user, details=counts)


# --- erasure ------------------------------------------------------------------------------


def can_erase(actor) -> bool:
    """Erasure cannot be undone and touches every app: site admins only."""
    return is_employee(actor) and actor.is_superuser


def erasure_refusal(user) -> str | None:
    """Why `user`'s personal data may not be erased now, or None when it may."""
    if user.is_active:
        return _(
            "%(name)s still works here. Deactivate them first (they have left the company); "
            "only then can their personal data be erased."
        ) % {"name": display_name(user)}
    if Erasure.objects.filter(user=user).exists():
        return _("The personal data of this former employee has already been erased.")
    taken = get_user_model().objects.filter(username=erased_username(user)).exclude(pk=user.pk)
    if taken.exists():
        return _("Another account already uses the name “%(name)s”; rename it first.") % {
            "name": erased_username(user)
        }
    return None


def erase_personal_data(user, *, actor) -> Erasure:
    """Erase what identifies a former employee, in one transaction with its audit entry.

    Gone: their names, e-mail addresses, username (now `former-<id>`), password, sign-in
    links and second factors, sessions, every profile field and the photo, the admin
    avatar, skills and endorsements (received and given), spoken languages, follows (theirs
    and of them), notification settings, muted spaces and notifications (theirs, and
    other people's that name them as the actor), reactions, feed and API tokens, unsent
    wiki drafts, join requests, and the "joined" entries of the activity stream; their
    personal blog takes the new username as its address and their shown name as its title.

    Kept, under "former employee": posts, wiki pages, revisions, comments, the activity
    of content, memberships (space history), content reports. Audit entries are never
    changed: the earlier ones keep the name they were written with."""
    if not can_erase(actor):
        raise PermissionDenied
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        refusal = erasure_refusal(user)
        if refusal:
            raise ValidationError(refusal)
        files: list[FieldFile] = []
        deleted: Counter[str] = Counter()
        _blank_profile(user, files, deleted)
        _delete_personal_rows(user, files, deleted)
        deleted["sessions"] = end_sessions([user.pk])
        for _receiver, counts in personal_data_erased.send(Erasure, user=user, actor=actor):
            deleted.update(counts or {})
        _anonymise_account(user)
        _rename_personal_blog(user)
        _relabel_wagtail_logs(user)
        erasure = Erasure.objects.create(user=user, erased_by=actor)
        # After the rename: the entry names the account only by its new username.
        record(
            AuditAction.PERSONAL_DATA_ERASED,
            actor=actor,
            target=user,
            details={"deleted": dict(sorted(deleted.items()))},
        )
        transaction.on_commit(lambda: _delete_files(files), robust=True)
        # Cached page lists (the home page's sections) show the old name until they expire.
        transaction.on_commit(lambda: bump_generation("content"), robust=True)
    return erasure


def _count_deleted(deleted: Counter[str], queryset: QuerySet) -> None:
    _total, per_model = queryset.delete()
    deleted.update({label: n for label, n in per_model.items() if n})


def _blank_profile(user, files: list[FieldFile], deleted: Counter[str]) -> None:
    """Every profile field back to its default (a field added later is erased without
    anyone remembering to), skills with their endorsements, languages."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return
    if profile.photo:
        files.append(profile.photo)
    for model_field in Profile._meta.concrete_fields:
        if model_field.name not in PROFILE_KEYS:
            setattr(profile, model_field.attname, model_field.get_default())
    # Saved before its user: the search document follows (and leaves with the inactive user).
    profile.save()
    _count_deleted(deleted, ProfileSkill.objects.filter(profile=profile))
    _count_deleted(deleted, SpokenLanguage.objects.filter(profile=profile))


def _delete_personal_rows(user, files: list[FieldFile], deleted: Counter[str]) -> None:
    """The rows that are about the person and mean nothing without them."""
    wagtail_profile = UserProfile.objects.filter(user=user).first()
    if wagtail_profile is not None and wagtail_profile.avatar:
        files.append(wagtail_profile.avatar)
    for queryset in (
        UserProfile.objects.filter(user=user),
        Endorsement.objects.filter(endorser=user),
        Follow.objects.filter(Q(user=user) | Q(person=user)),
        NotificationSetting.objects.filter(user=user),
        MutedSpace.objects.filter(user=user),
        # Other people's notifications name them in their stored text.
        Notification.objects.filter(Q(recipient=user) | Q(actor=user)),
        Reaction.objects.filter(user=user),
        FeedToken.objects.filter(user=user),
        ApiToken.objects.filter(user=user),
        EditDraft.objects.filter(user=user),
        JoinRequest.objects.filter(user=user),
        Activity.objects.filter(actor=user, kind__in=PERSONAL_ACTIVITY),
        EmailAddress.objects.filter(user=user),
        SocialAccount.objects.filter(user=user),
        Authenticator.objects.filter(user=user),
    ):
        _count_deleted(deleted, queryset)


def _anonymise_account(user) -> None:
    """The user row stays, so that content keeps its owner; nothing on it names anyone."""
    user.username = erased_username(user)
    user.first_name = user.last_name = user.email = ""
    user.last_login = None
    user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()


def _rename_personal_blog(user) -> None:
    """The personal blog lives at /blogs/<old username>/ and is titled with the old name:
    it moves to /blogs/<new username>/. Old links to it and its posts break on purpose,
    since an address with the old username identifies them; so Wagtail's automatic
    redirects to the blog's pages go too (they hold the old addresses), and the blog's
    revisions, which hold its old title and address."""
    blog = BlogIndexPage.objects.filter(author=user).first()
    if blog is None:
        return
    subtree = list(Page.objects.descendant_of(blog, inclusive=True).values_list("pk", flat=True))
    with override(settings.LANGUAGE_CODE):  # a stored title, in the site's language
        blog.title = blog.draft_title = display_name(user)
    blog.slug = free_blog_slug(blog.get_parent(), user)
    blog.intro = ""
    blog.save()
    blog.revisions.all().delete()
    PageLogEntry.objects.filter(page=blog).update(label=blog.title, data={})
    _rewrite_revision_addresses(subtree)

    def drop_redirects() -> None:
        Redirect.objects.filter(redirect_page_id__in=subtree).delete()

    drop_redirects()
    # The slug change makes new redirects when the transaction commits (Wagtail's
    # `page_slug_changed`); this runs after that.
    transaction.on_commit(drop_redirects, robust=True)


def _rewrite_revision_addresses(page_ids: list[int]) -> None:
    """Each revision keeps a copy of its page's address (`url_path`), which for a personal
    blog's posts holds the old username: it takes the page's new one."""
    addresses = dict(Page.objects.filter(pk__in=page_ids).values_list("pk", "url_path"))
    revisions = list(
        Revision.page_revisions.filter(object_id__in=[str(pk) for pk in page_ids]).only(
            "pk", "object_id", "content"
        )
    )
    for revision in revisions:
        revision.content["url_path"] = addresses[int(revision.object_id)]
    Revision.objects.bulk_update(revisions, ["content"], batch_size=500)


def _relabel_wagtail_logs(user) -> None:
    """Wagtail's own history of changes to the account (made in its admin) labels each entry
    with the username of the time."""
    user_type = ContentType.objects.get_for_model(user)
    ModelLogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).update(
        label=user.get_username()
    )


def _delete_files(files: Iterable[FieldFile]) -> None:
    """After the commit: a rolled-back erasure must still find its files."""
    for stored in files:
        try:
            stored.storage.delete(stored.name)
        except OSError:
            logger.exception("Could not delete the erased file %s", stored.name)
