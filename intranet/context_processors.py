from django.conf import settings


def intranet(request):
    """Values every template may use: the site name and the active section of the nav."""
    path = request.path
    section = next(
        (name for prefix, name in SECTIONS if path.startswith(prefix)),
        "home" if path == "/" else "",
    )
    return {"site_name": settings.WAGTAIL_SITE_NAME, "nav_section": section}


SECTIONS = [
    ("/spaces/", "spaces"),
    ("/people/", "people"),
    ("/org/", "people"),
    ("/blogs/", "blogs"),
]
