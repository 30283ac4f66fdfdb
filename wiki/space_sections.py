"""A space's recently changed wiki pages, on its page (see `intranet/space_sections.py`)."""

from intranet.space_sections import register_space_section
from wiki.models import WikiPage

register_space_section(
    "recent_wiki_pages",
    template="wiki/home_section.html",
    items=lambda user, space: WikiPage.recently_changed_for(user, 8, space=space),
    order=20,
)
