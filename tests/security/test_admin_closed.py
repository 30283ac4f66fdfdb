"""The Wagtail admin is for site admins only (issue 16). Writing in spaces and blogs gives no
admin access, so every /admin/ address, taken from Django's URL resolver and filled with the
ids of real pages, images, documents and revisions, answers an employee who writes with a
redirect to the login page, 403 or 404, and never with a word of a members-only space.

The writer is an editor of an open space and of a members-only space of their own, and has
a personal blog; the hidden space is members-only, and they are not in it. Each of its
titles, file names and tags is one word starting with `zqxclosed`, so a finding says what
leaked. The control: a site admin reading the same addresses finds those words.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import unquote_plus, urlencode, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import resolve

from blogs.actions import BLOG_IMAGES_COLLECTION, ensure_space_blog, start_personal_blog
from intranet.actions import set_member_role
from intranet.models import JoinRequest, Membership, Role
from tests.factories import UserFactory, make_blog_post, make_space, make_wiki_page
from tests.security.test_login_urls import all_routes

pytestmark = pytest.mark.django_db

PREFIX = "zqxclosed"
MARKER = re.compile(PREFIX + r"[a-z]*")
# Where a refused person may be sent: the login page (allauth's, or our redirect at the
# admin's old address) or home.
REFUSAL_TARGETS = ("/accounts/login/", "/admin/login/", "/")
# Models named in admin addresses (bulk actions, "add page", usage reports, settings, tag
# autocomplete, task types, editing sessions).
MODELS = [
    ("wagtailcore", "page"),
    ("wiki", "wikipage"),
    ("blogs", "blogpostpage"),
    ("blogs", "blogindexpage"),
    ("intranet", "spacepage"),
    ("wagtailimages", "image"),
    ("wagtaildocs", "document"),
    ("taggit", "tag"),
    ("wagtailcore", "groupapprovaltask"),
]


def _models() -> list[tuple[str, str]]:
    """MODELS and the site settings (the admin's settings addresses name one)."""
    from wagtail.contrib.settings.registry import registry

    return MODELS + [(model._meta.app_label, model._meta.model_name) for model in registry]


ACTIONS = ["delete", "publish", "unpublish", "move", "copy", "add_tags", "add_to_collection"]
WORKFLOW_ACTIONS = ["approve", "reject"]


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Side:
    """The ids to fill into addresses: of the hidden space, or of the writer's own things."""

    pages: list[int]
    images: list[int]
    documents: list[int]
    revisions: list[int]
    collection: int
    membership: int
    join_request: int
    user: int
    group: int


def _image(title: str, filename: str, owner, collection):
    from wagtail.images import get_image_model

    image = get_image_model()(
        title=title,
        file=ContentFile(_png(), filename),
        collection=collection,
        uploaded_by_user=owner,
    )
    image.save()
    return image


def _document(title: str, filename: str, owner):
    from wagtail.documents import get_document_model

    document = get_document_model()(
        title=title, file=ContentFile(b"Minutes.\n", filename), uploaded_by_user=owner
    )
    document.save()
    return document


@pytest.fixture
def scene(site_tree):
    from wagtail.models import Collection

    keeper = UserFactory(username="keeper")
    writer = UserFactory(username="writer", first_name="Wanda", last_name="Writer")
    start_personal_blog(writer)  # a blogger: before issue 16 that opened the admin
    collection = Collection.objects.get(name=BLOG_IMAGES_COLLECTION)

    # The hidden space: members-only, the writer not in it. Its image waits in the
    # collection every blogger may choose from, as a header image of its post.
    hidden = make_space(
        f"{PREFIX}spacetitle".title(), slug=f"{PREFIX}slug", visibility="members", actor=keeper
    )
    image = _image(f"{PREFIX}imagetitle".title(), f"{PREFIX}imagefile.png", keeper, collection)
    document = _document(f"{PREFIX}doctitle".title(), f"{PREFIX}docfile.txt", keeper)
    wiki = make_wiki_page(
        hidden,
        f"{PREFIX}wikititle".title(),
        f'<p>See <a linktype="document" id="{document.pk}">the file</a>.</p>',
        author=keeper,
    )
    wiki.title = f"{PREFIX}drafttitle".title()
    wiki.save_revision(user=keeper)
    post = make_blog_post(
        ensure_space_blog(hidden, actor=keeper),
        f"{PREFIX}posttitle".title(),
        author=keeper,
        header_image=image,
        header_image_alt="Teal",
    )
    post.tags.add(f"{PREFIX}tag")
    post.save_revision(user=keeper).publish(user=keeper, skip_permission_checks=True)
    stranger = UserFactory(username="stranger")
    asking = JoinRequest.objects.create(space=hidden, user=stranger, message=f"{PREFIX}message")

    # The writer's own: an open space and a members-only space to write in, a personal post.
    open_space = make_space("Bakery", slug="bakery", actor=keeper)
    ours = make_space("Our corner", slug="our-corner", visibility="members", actor=keeper)
    for space in (open_space, ours):
        set_member_role(space, writer, Role.EDITOR, actor=keeper)
    own_image = _image("Bread", "bread.png", writer, collection)
    own_document = _document("Recipe", "recipe.txt", writer)
    own_wiki = make_wiki_page(ours, "Our notes", author=writer)
    own_post = make_blog_post(
        ensure_space_blog(open_space, actor=writer), "Fresh bread", author=writer
    )
    personal = make_blog_post(start_personal_blog(writer), "My first post", author=writer)

    sides = {
        "hidden": Side(
            pages=[hidden.pk, wiki.pk, post.pk],
            images=[image.pk],
            documents=[document.pk],
            revisions=[wiki.latest_revision_id, post.latest_revision_id],
            collection=collection.pk,
            membership=Membership.objects.get(space=hidden, user=keeper).pk,
            join_request=asking.pk,
            user=keeper.pk,
            group=keeper.groups.get(name=f"space-{hidden.pk}-admin").pk,
        ),
        "own": Side(
            pages=[ours.pk, own_wiki.pk, own_post.pk, personal.pk],
            images=[own_image.pk],
            documents=[own_document.pk],
            revisions=[own_wiki.latest_revision_id, personal.latest_revision_id],
            collection=collection.pk,
            membership=Membership.objects.get(space=ours, user=writer).pk,
            join_request=asking.pk,
            user=writer.pk,
            group=writer.groups.get(name=f"space-{ours.pk}-editor").pk,
        ),
    }
    return {"writer": writer, "sides": sides}


# --- filling the resolver's patterns ------------------------------------------------------

# `<int:page_id>`, `<pk>`, or a regular expression's `(?P<name>...)`.
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")
APP_PARAMETERS = {"app_label", "app_name", "content_type_app_name"}
MODEL_PARAMETERS = {"model_name", "content_type_model_name"}
# Wagtail's catch-all for unknown admin addresses, and an address for it.
CATCH_ALL = ("admin/^.*/$", "/admin/no-such-place/")


def _pk_values(route: str, side: Side) -> list:
    """What `pk` means depends on where it is: the viewset's model."""
    by_prefix = {
        "admin/pages/": side.pages,
        "admin/api/main/^pages/": side.pages,
        "admin/api/main/^images/": side.images,
        "admin/api/main/^documents/": side.documents,
        "admin/images/": side.images,
        "admin/documents/": side.documents,
        "admin/collections/": [side.collection],
        "admin/memberships/": [side.membership],
        "admin/join_requests/": [side.join_request],
        "admin/users/": [side.user],
        "admin/groups/": [side.group],
    }
    for prefix, values in by_prefix.items():
        if route.startswith(prefix):
            return values
    return [1]


def _values(route: str, name: str, side: Side) -> list:
    """The values to try for one path parameter."""
    if "page" in name or name in ("destination_id", "object_id"):
        return side.pages
    if name == "image_id":
        return side.images
    if name in ("document_id", "doc_id"):
        return side.documents
    if name == "collection_id":
        return [side.collection]
    if name == "revision_id":
        return side.revisions
    if name == "revision_id_a":
        return [*side.revisions, "earliest"]
    if name == "revision_id_b":
        return ["latest"]
    if name == "action":
        return ACTIONS
    if name == "action_name":
        return WORKFLOW_ACTIONS if "workflow" in route else ACTIONS
    if name == "filter_spec":
        return ["original"]
    if name == "pk":
        return _pk_values(route, side)
    if name in ("uidb64", "token"):
        return ["MQ"]
    if name.endswith("uuid"):  # a webhook delivery's id
        return ["00000000-0000-4000-8000-000000000001"]
    return [1]  # task, workflow, session, redirect and upload ids


def _filled(route: str, side: Side):
    """Paths made from `route` that use every value of every parameter at least once (each
    parameter runs through its values side by side with the others; an app and model
    parameter pair takes the models of `_models()`)."""
    names = [a or b for a, b in PARAMETER.findall(route)]
    choices = {
        name: _models() if name in APP_PARAMETERS else _values(route, name, side)
        for name in names
        if name not in MODEL_PARAMETERS
    }
    for i in range(max(map(len, choices.values()), default=1)):
        values = {name: values[i % len(values)] for name, values in choices.items()}
        for app_name in APP_PARAMETERS & set(names):
            app, model = values[app_name]
            values[app_name] = app
            values.update(dict.fromkeys(MODEL_PARAMETERS & set(names), model))
        path = PARAMETER.sub(lambda m, values=values: str(values[m.group(1) or m.group(2)]), route)
        yield "/" + path.replace("^", "").replace("$", "").replace("\\.", ".")


def admin_addresses(sides: list[Side]) -> list[str]:
    """Every pattern under /admin/, filled with each side's ids, each path checked to resolve
    to a pattern of the same route (itself, or one registered before it at the same address,
    which then answers instead). A query string asks listings, searches, choosers and
    bulk-action confirmations about the words and ids of every side."""
    ids = [i for side in sides for i in (*side.pages, *side.images, *side.documents)]
    query = urlencode({"q": PREFIX, "term": PREFIX, "id": ids}, doseq=True)
    addresses = set()
    for route, _callback in all_routes():
        if not route.startswith("admin/"):
            continue
        if route == CATCH_ALL[0]:
            addresses.add(f"{CATCH_ALL[1]}?{query}")
            continue
        for side in sides:
            for path in _filled(route, side):
                assert resolve(path).route == route.replace("^", ""), (route, path)
                addresses.add(f"{path}?{query}")
    return sorted(addresses)


def _words_of_the_hidden_space(url: str, response) -> set[str]:
    """Marker words in the answer (body, headers, cookies), less those the address itself
    contains (a redirect to the login page repeats it)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    text = f"{headers}\n{response.cookies.output()}\n{body.decode('utf-8', 'replace')}".lower()
    typed = unquote_plus(url).lower()
    return {word for word in MARKER.findall(text) if word not in typed}


def _refusal(method: str, response) -> str | None:
    """None when `response` refuses; otherwise what is wrong with it."""
    allowed = {302, 403, 404} | ({405} if method == "POST" else set())
    if response.status_code not in allowed:
        return f"answered {response.status_code}"
    if response.status_code == 302:
        target = urlsplit(response["Location"]).path
        if target not in REFUSAL_TARGETS:
            return f"redirected to {response['Location']}"
    return None


# --- the crawl ----------------------------------------------------------------------------


def test_every_admin_address_refuses_a_writing_employee_and_names_nothing_hidden(scene):
    """GET and POST (a 405 then says the view takes no POST) every address twice: with ids
    of the hidden space, and with the writer's own."""
    client = Client(raise_request_exception=False)
    client.force_login(scene["writer"])
    findings = []
    addresses = admin_addresses(list(scene["sides"].values()))
    for url in addresses:
        for method in ("GET", "POST"):
            response = client.get(url) if method == "GET" else client.post(url)
            problem = _refusal(method, response)
            leaked = _words_of_the_hidden_space(url, response)
            if problem or leaked:
                findings.append(f"{method} {url}: {problem or ''} {' '.join(sorted(leaked))}")
    hidden_post = scene["sides"]["hidden"].pages[-1]
    walked = {url.split("?")[0] for url in addresses}
    assert {  # what the issue names: choosers, the API, bulk actions, reports, autocomplete
        "/admin/images/chooser/",
        "/admin/choose-page/search/",
        f"/admin/api/main/pages/{hidden_post}/",
        "/admin/api/main/images/",
        "/admin/bulk/wagtailcore/page/delete/",
        "/admin/reports/page-types-usage/",
        "/admin/tag-autocomplete/",
    } <= walked
    assert findings == []


def test_wagtails_content_api_is_mounted_only_inside_the_admin():
    """Wagtail's pages, images and documents API serves whatever it is asked for without our
    visibility rule; the admin's copy is walked above, and there is no other."""
    outside = [
        route
        for route, callback in all_routes()
        if getattr(callback, "__module__", "").startswith(
            ("wagtail.api", "wagtail.images.api", "wagtail.documents.api", "wagtail.admin.api")
        )
        and not route.startswith("admin/")
    ]
    assert outside == []


# Where the admin lists and searches what a space holds.
LISTINGS = (
    "/admin/images/",
    "/admin/images/chooser/",
    "/admin/documents/",
    "/admin/documents/chooser/",
    "/admin/pages/search/",
    "/admin/choose-page/search/",
)


def test_a_site_admin_reading_the_same_addresses_finds_the_hidden_words(scene, site_admin):
    """The control: the addresses are filled with real ids, so the refusals above mean
    something. Listings, searches and choosers only: the rest would change data."""
    client = Client(raise_request_exception=False)
    client.force_login(site_admin)
    found: set[str] = set()
    served = 0
    for url in admin_addresses([scene["sides"]["hidden"]]):
        if url.split("?")[0] in LISTINGS:
            response = client.get(url)
            served += response.status_code == 200
            found |= _words_of_the_hidden_space(url, response)
    assert served == len(LISTINGS)
    assert {f"{PREFIX}imagetitle", f"{PREFIX}doctitle", f"{PREFIX}posttitle"} <= found


# --- nobody gains the admin by writing ----------------------------------------------------


def test_writing_in_spaces_and_a_blog_gives_no_admin_access_but_keeps_page_permissions(scene):
    from intranet.models import SpacePage

    writer = scene["writer"]
    assert not writer.has_perm("wagtailadmin.access_admin")
    ours = SpacePage.objects.get(slug="our-corner")
    assert ours.permissions_for_user(writer).can_add_subpage()
    assert ours.get_children().first().permissions_for_user(writer).can_edit()


def test_site_admins_keep_the_admin_and_its_icons_and_translations(
    client_for, site_admin, site_tree
):
    client = client_for(site_admin)
    for url in ("/admin/", "/admin/sprite/", "/admin/jsi18n/"):
        assert client.get(url).status_code == 200, url


# --- the userbar --------------------------------------------------------------------------


def test_the_userbar_shows_only_to_people_who_can_use_the_admin(
    client_for, site_admin, editor, reader, open_space
):
    page = make_wiki_page(open_space, "Kitchen rules", author=editor)
    for person in (editor, reader):
        assert "wagtail-userbar" not in client_for(person).get(page.url).content.decode()
    assert "wagtail-userbar" in client_for(site_admin).get(page.url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_userbar_waits_below_the_page_instead_of_covering_the_text(
    page, login, shoot, site_admin, editor, open_space
):
    long_text = "<p>" + "Clean the fridge on Fridays. " * 80 + "</p>"
    wiki = make_wiki_page(open_space, "Kitchen rules", long_text, author=editor)
    page.set_viewport_size({"width": 390, "height": 844})
    login("siteadmin")
    page.goto(wiki.url)
    userbar = page.locator("wagtail-userbar [part=userbar]")  # inside its shadow root
    userbar.wait_for()
    shoot(page, "userbar-phone")
    main = page.locator("main").bounding_box()
    assert userbar.bounding_box()["y"] >= main["y"] + main["height"]
