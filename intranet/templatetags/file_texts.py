"""`{% load file_texts %}`: telling a page's editors which of its files search cannot read."""

from __future__ import annotations

from django import template

from intranet.attachments import file_text_notes as notes_for

register = template.Library()


@register.inclusion_tag("intranet/file_text_notes.html")
def file_text_notes(page) -> dict:
    """`{% file_text_notes page %}`: the files `page` links whose text search could not
    read (damaged, password-protected, too large), and why; nothing when there are none.
    For the people who edit the page (`{% if can_edit %}`): the files stay attached."""
    return {"notes": notes_for(page)}
