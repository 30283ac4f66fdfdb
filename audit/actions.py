"""The one way to write the audit log."""

from __future__ import annotations

from typing import Any

from audit.models import AuditAction, AuditEntry, person_label
from audit.origin import current_origin

SPACE_TITLE_MAX_LENGTH = 255


def record(
    action: AuditAction | str,
    *,
    actor,
    target=None,
    space=None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write down that `actor` (None: the system) did `action` to `target` (a person) in
    `space` (anything with `pk` and `title`), with `details` (before and after), and where
    the current request came from.

    Call it inside the transaction of the change, after the change: a change that rolls
    back then leaves no entry, and an entry never tells of a change that did not happen.
    `actor` is required so that no caller forgets to say who acted."""
    if actor is not None and not actor.is_authenticated:
        actor = None  # an anonymous request acts as nobody in particular
    origin = current_origin()
    return AuditEntry.objects.create(
        action=AuditAction(action),
        actor=actor,
        actor_name=person_label(actor),
        target=target,
        target_name=person_label(target),
        space_id=getattr(space, "pk", None),
        space_title=(getattr(space, "title", "") or "")[:SPACE_TITLE_MAX_LENGTH],
        details=details or {},
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
    )


def change(before: Any, after: Any) -> dict[str, Any]:
    """A detail's value before and after, in the form the list and the export show."""
    return {"before": before, "after": after}
