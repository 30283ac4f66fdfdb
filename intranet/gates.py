"""Conditions a person must meet before they write (a comment, a page), set by the apps
above the content apps and checked by the content apps without knowing who set them.

The community app registers "has acknowledged the current guidelines" from its `ready()`;
a content app asks `closed_gate(user, next_url)` before a write and, when a gate is
closed, shows why and a link to where the person can open it (which leads back to
`next_url`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import HttpResponseRedirect


@dataclass(frozen=True)
class Gate:
    """A closed gate: why the person may not write yet, and where to go about it."""

    message: str
    url: str
    link_text: str


WriteGate = Callable[[Any, str], Gate | None]

_gates: list[WriteGate] = []


def register_write_gate(gate: WriteGate) -> None:
    """Called from an app's `ready()` with a function of (user, next_url) that returns a
    closed Gate or None; the same function twice is kept once."""
    if gate not in _gates:
        _gates.append(gate)


def closed_gate(user, next_url: str) -> Gate | None:
    """The first registered gate that keeps `user` from writing, or None if all are open."""
    for gate in _gates:
        closed = gate(user, next_url)
        if closed is not None:
            return closed
    return None


def behind_write_gates(view):
    """A writing page (composer, editor) sends a person whose gate is closed to where they
    can open it, and from there back to the page they asked for."""

    @wraps(view)
    def gated(request, *args, **kwargs):
        gate = closed_gate(request.user, request.get_full_path())
        if gate is not None:
            return HttpResponseRedirect(gate.url)
        return view(request, *args, **kwargs)

    return gated
