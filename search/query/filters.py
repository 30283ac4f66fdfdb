"""The filters of a search: which values exist and may be used by this user."""

from __future__ import annotations

import calendar
import datetime
import re
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.utils import timezone
from modelsearch.index import class_is_indexed

from search import registry

if TYPE_CHECKING:
    from wagtail.models import Page

    from search.registry import AnyUser


def indexed_page_types() -> dict[str, type[Page]]:
    """Every concrete, indexed page type of the registered page base model, keyed
    "app_label.modelname"."""
    base_model = registry.pages().base_model
    found: dict[str, type[Page]] = {}
    for model in apps.get_models():
        if issubclass(model, base_model) and class_is_indexed(model):
            found[model._meta.label_lower] = model
    return found


def people_model() -> type[Model] | None:
    """The registered people model when it is indexed: people are searched only then."""
    people = registry.people()
    if people is None:
        return None
    return people.model if class_is_indexed(people.model) else None


def find_author(username: str | None) -> Any:
    if not username:
        return None
    return get_user_model().objects.filter(username=username[:150], is_active=True).first()


def find_department(slug: str | None) -> Any:
    if not slug:
        return None
    people = registry.people()
    if people is None:
        return None
    return people.department_model._default_manager.filter(slug=slug[:100]).first()


def department_member_ids(department: Any) -> list[int]:
    """The user ids of the department's people (the owners of the pages it wrote)."""
    people = registry.people()
    if people is None:
        return []
    members = people.model._default_manager.filter(department=department)
    return list(members.values_list("user_id", flat=True))


def find_space_id(user: AnyUser, space: int | str | None) -> int | None:
    """The space's id if it exists and `user` may see it; unknown or hidden spaces are
    ignored exactly alike, so the filter never confirms that a hidden space exists."""
    try:
        space_id = int(space) if space not in (None, "") else None
    except (TypeError, ValueError):
        return None
    # Ids beyond the database's integer range cannot exist (and would overflow the query).
    if space_id is not None and not 0 < space_id < 2**31:
        return None
    if space_id is None:
        return None
    pages = registry.pages()
    if not pages.searchable(user, pages.space_model).filter(pk=space_id).exists():
        return None
    return space_id


def day_start(day: datetime.date) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def month_range(value: str | None) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day of a "YYYY-MM" or "YYYY" value, or None if it is not one."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?", (value or "").strip())
    if not match:
        return None
    year = int(match.group(1))
    if not 1900 <= year <= 2999:
        return None
    if match.group(2) is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    month = int(match.group(2))
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)
