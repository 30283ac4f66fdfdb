"""Stored rich text into the editor (`intranet.editor.to_editor`) and back: ids and current
addresses for links and images, and nothing lost on the way round."""

from __future__ import annotations

import random
import re

import pytest
from django.core.files.base import ContentFile
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from blogs.demo import embed_of
from blogs.models import BODY_FEATURES
from intranet.demo import TOPICS, paragraphs
from intranet.editor import to_editor, to_storage
from tests.blogs.conftest import png_bytes
from tests.factories import make_wiki_page
from wiki.demo import HANDWRITTEN
from wiki.models import WIKI_FEATURES

pytestmark = pytest.mark.django_db


@pytest.fixture
def image():
    return get_image_model().objects.create(title="Plan", file=ContentFile(png_bytes(), "plan.png"))


@pytest.fixture
def document():
    return get_document_model().objects.create(
        title="Budget", file=ContentFile(b"%PDF-1.4 budget", "budget.pdf")
    )


@pytest.fixture
def wiki_page(open_space, editor):
    return make_wiki_page(open_space, "VPN access", author=editor)


@pytest.fixture
def secret_page(private_space, editor):
    return make_wiki_page(private_space, "Quokka plan", author=editor)


def test_a_page_link_gets_its_id_and_current_address(wiki_page):
    stored = f'<p>See <a linktype="page" id="{wiki_page.pk}">VPN</a>.</p>'
    assert to_editor(stored) == (
        f'<p>See <a href="{wiki_page.url}" data-page-id="{wiki_page.pk}">VPN</a>.</p>'
    )


def test_a_link_to_a_page_the_editor_may_not_see_keeps_its_id_but_not_its_address(
    secret_page, outsider
):
    stored = f'<p><a linktype="page" id="{secret_page.pk}">our plan</a></p>'
    shown = to_editor(stored, user=outsider)
    assert shown == f'<p><a data-page-id="{secret_page.pk}">our plan</a></p>'
    assert secret_page.slug not in shown
    assert to_storage(shown) == stored


def test_a_link_to_a_deleted_page_is_kept(db):
    stored = '<p><a linktype="page" id="987654">gone</a></p>'
    assert to_storage(to_editor(stored)) == stored


def test_a_document_link_gets_its_id_and_address(document):
    stored = f'<p><a linktype="document" id="{document.pk}">Budget</a></p>'
    assert to_editor(stored) == (
        f'<p><a href="{document.url}" data-document-id="{document.pk}">Budget</a></p>'
    )


def test_an_image_gets_its_id_alternative_text_and_the_rendition_the_page_shows(image):
    stored = f'<embed embedtype="image" format="left" id="{image.pk}" alt="A &quot;plan&quot;"/>'
    shown = to_editor(stored)
    rendition = image.renditions.get()
    assert rendition.filter_spec == "width-500"  # Wagtail's "left" format
    assert shown == (
        f'<img src="{rendition.url}" alt="A &quot;plan&quot;" data-image-id="{image.pk}" '
        f'data-alt="A &quot;plan&quot;" data-format="left">'
    )


def test_a_missing_image_keeps_its_id(db):
    stored = '<embed embedtype="image" format="fullwidth" id="424242" alt="gone"/>'
    assert 'data-image-id="424242"' in to_editor(stored)
    assert to_storage(to_editor(stored)) == stored


def test_a_code_block_is_loaded_as_the_editor_writes_one():
    assert to_editor("<pre>a &lt; b<br/>c</pre>") == "<pre><code>a &lt; b\nc</code></pre>"


def test_draftails_block_keys_are_not_loaded():
    assert to_editor('<p data-block-key="x1y2z">Text</p>') == "<p>Text</p>"


def test_a_media_embed_is_loaded_as_a_link_and_stored_again_as_an_embed():
    stored = '<embed embedtype="media" url="https://www.youtube.com/watch?v=x&amp;t=1"/>'
    shown = to_editor(stored)
    assert shown == (
        '<p><a href="https://www.youtube.com/watch?v=x&amp;t=1" data-embed="media">'
        "https://www.youtube.com/watch?v=x&amp;t=1</a></p>"
    )
    assert to_storage(shown, WIKI_FEATURES) == stored


def test_the_editors_own_markup_passes_through_unchanged(wiki_page, image):
    html = (
        f'<p><b>x</b> <a href="/a" data-page-id="{wiki_page.pk}">a</a></p>'
        f'<img src="/m.png" alt="b" data-image-id="{image.pk}" data-alt="b">'
    )
    assert to_editor(html) == html


def test_loading_costs_one_query_per_kind_of_reference(
    wiki_page, document, image, django_assert_max_num_queries
):
    stored = "".join(
        [f'<p><a linktype="page" id="{wiki_page.pk}">p</a></p>'] * 5
        + [f'<p><a linktype="document" id="{document.pk}">d</a></p>'] * 5
    )
    to_editor(stored)  # site root paths are cached after the first call
    with django_assert_max_num_queries(2):
        to_editor(stored)


# --- the round trip: loading a stored body and saving it unchanged changes nothing -------


def _demo_bodies(linked_page) -> list[str]:
    bodies = [
        body for pages in HANDWRITTEN.values() for *_, revisions in pages for body, _ in revisions
    ]
    rng = random.Random(3)
    for language in ("en", "de"):
        for topic, detail in TOPICS[language][:3]:
            body = paragraphs(rng, language, topic, detail)
            bodies.append(body + embed_of(linked_page, language))
    return bodies


def test_every_demo_body_survives_a_round_trip_through_the_editor_format(open_space, editor):
    # embed_of links pages whose id is a multiple of four; make one of those.
    page = make_wiki_page(open_space, "Linked", author=editor)
    while page.pk % 4:
        page = make_wiki_page(open_space, f"Linked {page.pk}", author=editor)
    bodies = _demo_bodies(page)
    assert any('linktype="page"' in body for body in bodies)
    assert any("<pre>" in body for body in bodies)
    for body in bodies:
        assert to_storage(to_editor(body), WIKI_FEATURES) == body


def test_a_body_with_every_feature_survives_a_round_trip(wiki_page, document, image):
    body = (
        "<h2>Title</h2><h3>Sub</h3><h4>Small</h4>"
        "<p>Text <b>bold</b> <i>italic</i> <code>code</code> "
        '<a href="https://example.com/?a=1&amp;b=2">ext</a> '
        f'<a linktype="page" id="{wiki_page.pk}">page</a> '
        f'<a linktype="document" id="{document.pk}">doc</a><br/>next line</p>'
        "<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul><ol><li>one</li></ol>"
        "<blockquote>quote<br/>second</blockquote><pre>x = 1\ny = 2</pre><hr/>"
        f'<embed embedtype="image" format="right" id="{image.pk}" alt="Plan &amp; more"/>'
        '<embed embedtype="media" url="https://vimeo.com/1"/>'
        "<p>[[Wiki link]] &amp; &lt;tags&gt;</p>"
    )
    assert to_storage(to_editor(body), WIKI_FEATURES) == body


def test_what_we_store_is_what_wagtails_own_editor_would_store(wiki_page, document, image):
    """Draftail (Wagtail's admin editor) reads our body and writes it back identically,
    apart from its block keys."""
    stored = to_storage(
        "<h2>Title</h2><p>Some <strong>bold</strong> and <em>italic</em> text with "
        f'<a href="https://example.com">a link</a>, <a data-page-id="{wiki_page.pk}" href="/x">'
        f'a page</a> and <a data-document-id="{document.pk}" href="/d">a file</a>.<br>Next.</p>'
        "<ul><li><p>one</p></li><li><p>two</p><ul><li><p>nested</p></li></ul></li></ul>"
        "<ol><li><p>first</p></li></ol><blockquote><p>A quote</p></blockquote>"
        "<pre><code>single line</code></pre><hr><p>Image:</p>"
        f'<img src="/i" data-alt="x &amp; y" data-image-id="{image.pk}"><p>End</p>',
        WIKI_FEATURES,
    )
    converter = ContentstateConverter(WIKI_FEATURES)
    rewritten = converter.to_database_format(converter.from_database_format(stored))
    assert re.sub(r' data-block-key="[^"]*"', "", rewritten) == stored


def test_a_blog_body_keeps_only_blog_features():
    assert to_storage(to_editor("<h4>x</h4><p>y</p>"), BODY_FEATURES) == "<p>x</p><p>y</p>"
