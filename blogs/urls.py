"""Blog writes under /blogs/-/ ("-" is a slug no personal blog can take), so that they sit
beside the Wagtail-served blog pages without shadowing any of them."""

import re

from django.urls import path, register_converter

from blogs import compose, views


class TagConverter:
    """A tag's name as one path segment, whatever it holds ("CI/CD", "..", "100%").

    Servers decode %2F to "/" before routing, and clients resolve "." and ".." segments,
    so "/", "%" and a whole "." or ".." are escaped once here and `reverse()` quotes the
    result again; the server's decoding then leaves exactly this escaping, undone below.
    Plain tags keep their plain URLs."""

    regex = "[^/]+"
    _escaped = re.compile("%(25|2F|2E)", re.IGNORECASE)

    def to_python(self, value: str) -> str:
        return self._escaped.sub(lambda m: chr(int(m.group(1), 16)), value)

    def to_url(self, value: str) -> str:
        escaped = value.replace("%", "%25").replace("/", "%2F")
        if escaped in (".", ".."):
            escaped = escaped.replace(".", "%2E")
        return escaped


# Registered once, on the first import of this module (feeds.urls imports it for its tag
# feeds; any URLconf that carries a tag uses <tag:...>).
register_converter(TagConverter, "tag")

app_name = "blogs"
urlpatterns = [
    path("blogs/-/write/", compose.write, name="write"),
    path("blogs/-/posts/<int:post_id>/edit/", compose.edit, name="edit"),
    path("blogs/-/posts/<int:post_id>/comments/", views.comment, name="comment"),
    path("blogs/-/posts/<int:post_id>/react/", views.react, name="react"),
    path("blogs/-/comments/<int:comment_id>/hide/", views.hide, name="hide"),
]
