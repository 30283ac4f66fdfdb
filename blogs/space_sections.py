"""The newest posts of a space, on its page (see `intranet/space_sections.py`)."""

from blogs.models import BlogPostPage
from intranet.space_sections import register_space_section

register_space_section(
    "latest_posts",
    template="blogs/home_section.html",
    items=lambda user, space: BlogPostPage.latest_for(user, 8, space=space),
    order=10,
)
