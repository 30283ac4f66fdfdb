"""The composer's tests share the blog fixtures (spaces' blogs, posts, personas) and the
browser fixtures; rate limit counters start at zero in every test."""

from tests.blogs.conftest import (  # noqa: F401
    author_colleague,
    fresh_rate_limits,
    header_image,
    open_post,
    personal_blog,
    private_post,
)
