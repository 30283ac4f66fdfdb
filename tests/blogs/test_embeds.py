"""Embeds of intranet pages in a post: a link alone in a paragraph is a preview card for
readers who may see the page, and plain text (no title, no address) for everyone else."""

from __future__ import annotations

import pytest

from tests.factories import make_blog_post, make_wiki_page


@pytest.fixture
def secret_wiki(private_space, editor):
    return make_wiki_page(
        private_space,
        "Quokka merger plan",
        "<p>Buy every quokka on Rottnest.</p>",
        author=editor,
    )


@pytest.fixture
def open_wiki(open_space, editor):
    return make_wiki_page(
        open_space, "Kitchen rules", "<p>Clean up after yourself, always.</p>", author=editor
    )


def _post_linking(blog, author, paragraph: str, title: str = "Links post"):
    return make_blog_post(blog, title, f"<p>Before.</p>{paragraph}<p>After.</p>", author=author)


def _chooser_link(page, text: str) -> str:
    return f'<p data-block-key="k1"><a linktype="page" id="{page.pk}">{text}</a></p>'


def test_a_page_chooser_link_alone_is_a_card_for_a_member(
    client_for, reader, editor, open_blog, secret_wiki
):
    post = _post_linking(open_blog, editor, _chooser_link(secret_wiki, "see the plan"))
    body = client_for(reader).get(post.url).content.decode()
    assert 'class="card page-embed"' in body
    assert "Quokka merger plan" in body
    assert f'href="{secret_wiki.url}"' in body
    assert "Zanzibar Secret" in body  # the space
    assert "Buy every quokka on Rottnest." in body  # the teaser
    assert "By Eddie Tor" in body  # the author
    assert "Wiki page" in body or "wiki page" in body.lower()


def test_an_outsider_gets_the_link_text_only(client_for, outsider, editor, open_blog, secret_wiki):
    post = _post_linking(open_blog, editor, _chooser_link(secret_wiki, "see the plan"))
    response = client_for(outsider).get(post.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "see the plan" in body
    assert "page-embed" not in body
    assert "Quokka merger plan" not in body
    assert secret_wiki.url not in body
    assert "Rottnest" not in body


def test_a_pasted_intranet_address_becomes_a_card_for_a_member_only(
    client_for, reader, outsider, editor, open_blog, secret_wiki, settings
):
    address = f"http://testserver{secret_wiki.url}"
    post = _post_linking(open_blog, editor, f"<p>{address}</p>")
    member = client_for(reader).get(post.url).content.decode()
    assert "page-embed" in member and "Quokka merger plan" in member
    outsider_body = client_for(outsider).get(post.url).content.decode()
    assert "page-embed" not in outsider_body
    assert "Quokka merger plan" not in outsider_body


def test_an_intranet_link_with_an_address_becomes_a_card(
    client_for, reader, editor, open_blog, open_wiki
):
    post = _post_linking(open_blog, editor, f'<p><a href="{open_wiki.url}">rules</a></p>')
    body = client_for(reader).get(post.url).content.decode()
    assert "page-embed" in body and "Kitchen rules" in body and "Open Kitchen" in body


def test_links_inside_a_sentence_and_other_sites_stay_links(
    client_for, reader, editor, open_blog, open_wiki
):
    paragraphs = (
        f'<p>Read <a linktype="page" id="{open_wiki.pk}">the rules</a> first.</p>'
        '<p><a href="https://example.org/spaces/open-kitchen/kitchen-rules/">elsewhere</a></p>'
        "<p>https://example.org/nothing/</p>"
    )
    post = _post_linking(open_blog, editor, paragraphs)
    body = client_for(reader).get(post.url).content.decode()
    assert "page-embed" not in body
    assert f'<a href="{open_wiki.url}">the rules</a>' in body
    assert "elsewhere" in body


def test_a_link_to_a_missing_page_stays_as_written(client_for, reader, editor, open_blog):
    post = _post_linking(open_blog, editor, "<p>/spaces/open-kitchen/no-such-page/</p>")
    body = client_for(reader).get(post.url).content.decode()
    assert "page-embed" not in body
    assert "/spaces/open-kitchen/no-such-page/" in body


def test_a_post_embedding_another_post_shows_its_teaser(
    client_for, reader, editor, open_blog, open_post
):
    post = _post_linking(open_blog, editor, _chooser_link(open_post, "soup"), title="Menu")
    body = client_for(reader).get(post.url).content.decode()
    assert "Soup of the day" in body and "Warm." in body and "Blog post" in body


def test_many_embeds_cost_the_same_queries_as_one(
    client_for, reader, editor, open_blog, open_space, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages = [
        make_wiki_page(open_space, f"Rule {n}", f"<p>Rule number {n}.</p>", author=editor)
        for n in range(8)
    ]
    one = _post_linking(open_blog, editor, _chooser_link(pages[0], "r"), title="One")
    many = _post_linking(
        open_blog, editor, "".join(_chooser_link(p, "r") for p in pages), title="Many"
    )
    client = client_for(reader)
    client.get(one.url)
    client.get(many.url)
    with CaptureQueriesContext(connection) as few_queries:
        client.get(one.url)
    with CaptureQueriesContext(connection) as many_queries:
        body = client.get(many.url).content.decode()
    assert body.count('class="card page-embed"') == 8
    assert len(many_queries) == len(few_queries)
