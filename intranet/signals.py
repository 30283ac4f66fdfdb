"""Signals the ground floor sends for the apps above it."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent inside the transaction of a move, after `IntranetPage.space` of the moved page and
#: its descendants was rewritten, when at least one of them changed space. `root` is the
#: moved page (at its new place): every row that keeps its own copy of the space of a page
#: in `root`'s subtree must take the page's new `IntranetPage.space` before the commit.
page_space_changed = Signal()

#: Sent inside the transaction of `intranet.actions.set_member_role` when someone adds a
#: person to a space or changes their role there (an invitation, an approved request, a
#: promotion): not when people join by themselves, nor for the system's own changes
#: (commands, migrations: no actor). Arguments: `space`, `member`, `role`, `previous` (the
#: role before; None when newly added) and `actor`.
member_role_changed = Signal()

#: Sent inside the transaction of `intranet.actions.request_write_access` when a reader asks
#: the space's moderators for write access. `join_request` is the stored request (a
#: `JoinRequest` with the role asked for), `space` its space.
write_access_requested = Signal()

#: Sent on the commit of `profiles.actions.deactivate_person`, after a person left the
#: company (by the admin, the CSV import or directory sync): every app that keeps a way in
#: for that person (feed tokens, API tokens, sessions) ends it. Arguments: `user` (already
#: inactive) and `actor` (None for the system's own changes).
person_left = Signal()

#: Sent inside the transaction of `privacy.actions.erase_personal_data`, before the account
#: is anonymised (`user` still carries their names): every app that keeps its own copy of
#: something that identifies the person (an identity provider's id, a sent payload) deletes
#: it before the commit. A receiver may return a `{label: count}` of what it deleted, which
#: the erasure's audit entry adds up. Arguments: `user` (inactive) and `actor`.
personal_data_erased = Signal()
