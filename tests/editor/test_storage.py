"""Editor HTML to Wagtail's stored rich text (`intranet.editor.to_storage`): the format
Draftail writes, only what the place's features allow, and nothing a hostile browser sends."""

from __future__ import annotations

import re

import pytest

from blogs.models import BODY_FEATURES
from intranet.editor import ALL_FEATURES, to_storage
from wiki.models import WIKI_FEATURES


def test_every_feature_of_wiki_and_blog_bodies_is_one_the_editor_knows():
    assert set(WIKI_FEATURES) <= set(ALL_FEATURES)
    assert set(BODY_FEATURES) <= set(ALL_FEATURES)


def test_marks_are_stored_as_draftail_stores_them():
    html = "<p>Plain <strong>bold</strong> <em>italic</em> <code>x = 1</code></p>"
    assert to_storage(html) == "<p>Plain <b>bold</b> <i>italic</i> <code>x = 1</code></p>"


def test_a_page_link_becomes_a_page_reference_without_its_address():
    html = '<p><a data-page-id="5" href="/spaces/it/vpn/">VPN access</a></p>'
    assert to_storage(html) == '<p><a linktype="page" id="5">VPN access</a></p>'


def test_a_document_link_becomes_a_document_reference():
    html = '<p><a data-document-id="7" href="/documents/7/plan.pdf">plan.pdf</a></p>'
    assert to_storage(html) == '<p><a linktype="document" id="7">plan.pdf</a></p>'


def test_an_external_link_keeps_its_address_and_loses_the_editors_extras():
    html = '<p><a href="https://example.com/?a=1&amp;b=2" target="_blank" rel="noopener">x</a></p>'
    assert to_storage(html) == '<p><a href="https://example.com/?a=1&amp;b=2">x</a></p>'


@pytest.mark.parametrize("href", ["mailto:anna@example.com", "/spaces/it/", "../up", "#top"])
def test_mail_and_relative_links_are_kept(href):
    assert to_storage(f'<p><a href="{href}">x</a></p>') == f'<p><a href="{href}">x</a></p>'


def test_an_image_becomes_an_image_embed_with_its_alternative_text():
    html = (
        '<img src="/media/x.png" alt="A cat" data-alt="A &quot;cat&quot; &amp; dog" '
        'data-image-id="3">'
    )
    assert to_storage(html) == (
        '<embed embedtype="image" format="fullwidth" id="3" alt="A &quot;cat&quot; &amp; dog"/>'
    )


def test_a_decorative_image_is_stored_with_empty_alternative_text():
    html = '<p>Before</p><img src="/x.png" alt="" data-alt="" data-image-id="3"><p>After</p>'
    assert to_storage(html) == (
        '<p>Before</p><embed embedtype="image" format="fullwidth" id="3" alt=""/><p>After</p>'
    )


def test_an_image_keeps_a_registered_format_and_falls_back_to_full_width():
    left = to_storage('<img src="/x" data-alt="a" data-image-id="3" data-format="left">')
    made_up = to_storage('<img src="/x" data-alt="a" data-image-id="3" data-format="huge">')
    assert 'format="left"' in left
    assert 'format="fullwidth"' in made_up


def test_an_image_inside_a_paragraph_is_stored_after_it():
    html = '<p>Look: <img src="/x" data-alt="a" data-image-id="3"> here</p>'
    assert to_storage(html) == (
        '<p>Look:  here</p><embed embedtype="image" format="fullwidth" id="3" alt="a"/>'
    )


def test_lists_quotes_and_code_blocks_are_flattened_as_wagtail_keeps_them():
    html = (
        "<h2>Steps</h2><ol><li><p>One</p></li><li><p>Two</p><ul><li><p>Two a</p></li></ul></li>"
        "</ol><blockquote><p>First line</p><p>Second line</p></blockquote>"
        '<pre><code class="language-sh">vpn connect &lt;host&gt;\nvpn status</code></pre><hr>'
    )
    assert to_storage(html) == (
        "<h2>Steps</h2><ol><li>One</li><li>Two<ul><li>Two a</li></ul></li></ol>"
        "<blockquote>First line<br/>Second line</blockquote>"
        "<pre>vpn connect &lt;host&gt;\nvpn status</pre><hr/>"
    )


def test_line_breaks_are_stored_self_closed():
    assert to_storage("<p>a<br>b</p>") == "<p>a<br/>b</p>"


def test_the_empty_paragraph_the_editor_keeps_at_the_end_is_dropped():
    assert to_storage("<p>Text</p><hr><p></p>") == "<p>Text</p><hr/>"


def test_an_empty_editor_stores_nothing():
    assert to_storage("") == ""
    assert to_storage("<p></p>") == ""


def test_plain_text_typed_without_javascript_becomes_paragraphs():
    text = "First line\nsame paragraph\r\n\r\nSecond & <3"
    assert to_storage(text) == "<p>First line<br/>same paragraph</p><p>Second &amp; &lt;3</p>"


def test_what_a_place_does_not_allow_is_written_with_what_it_does():
    html = (
        "<h2>Title</h2><h4>Small</h4><ul><li><p>item</p></li></ul>"
        "<blockquote><p>quote</p></blockquote><pre><code>a\nb</code></pre><hr>"
        '<p><b>bold</b> <a href="https://x.y">link</a></p>'
        '<img src="/x" data-alt="a" data-image-id="3">'
    )
    assert to_storage(html, ["bold"]) == (
        "<p>Title</p><p>Small</p><p>item</p><p>quote</p><p>a<br/>b</p><p><b>bold</b> link</p>"
    )


def test_blog_bodies_have_no_fourth_level_heading_but_keep_files():
    html = '<h4>Small</h4><p><a data-document-id="7" href="/d/7/x.pdf">x.pdf</a></p>'
    assert to_storage(html, BODY_FEATURES) == (
        '<p>Small</p><p><a linktype="document" id="7">x.pdf</a></p>'
    )


def test_bodies_without_file_links_keep_a_dropped_file_as_its_name():
    html = '<p><a data-document-id="7" href="/d/7/x.pdf">x.pdf</a></p>'
    features = [name for name in BODY_FEATURES if name != "document-link"]
    assert to_storage(html, features) == "<p>x.pdf</p>"


def test_pasted_top_and_bottom_headings_take_the_nearest_allowed_level():
    assert to_storage("<h1>Top</h1><h6>Bottom</h6>", WIKI_FEATURES) == "<h2>Top</h2><h4>Bottom</h4>"


def test_a_media_link_in_a_paragraph_of_its_own_is_an_embed_where_embeds_are_allowed():
    html = '<p><a data-embed="media" href="https://www.youtube.com/watch?v=x">video</a></p>'
    assert to_storage(html, WIKI_FEATURES) == (
        '<embed embedtype="media" url="https://www.youtube.com/watch?v=x"/>'
    )
    assert to_storage(html, BODY_FEATURES) == (
        '<p><a href="https://www.youtube.com/watch?v=x">video</a></p>'
    )


def test_pasted_markup_from_elsewhere_is_unwrapped_to_its_text():
    html = (
        '<div class="x"><span style="color:red">Hello</span> <u>there</u></div>'
        "<table><tr><td>cell</td></tr></table>"
    )
    assert to_storage(html) == "<p>Hello there</p><p>cell</p>"


# --- hostile input ------------------------------------------------------------------------

HOSTILE = [
    '<img src="x" onerror="alert(1)" data-image-id="3" data-alt="a">',
    '<p><a href="javascript:alert(1)">click</a></p>',
    '<p><a href="JaVaScRiPt&#x3A;alert(1)">click</a></p>',
    '<p><a href="java&#x09;script:alert(1)">click</a></p>',
    '<p><a href=" javascript:alert(1)">click</a></p>',
    '<p><a href="vbscript:msgbox(1)">click</a></p>',
    '<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a></p>',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">styled</p>',
    "<style>p { color: red }</style><p>after style</p>",
    "<script>alert(1)</script><p>after script</p>",
    '<svg><script>alert(1)</script><a href="javascript:alert(1)"><text>svg</text></a></svg>',
    "<svg><svg onload=alert(1)><foreignObject><p>inner</p></foreignObject></svg></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe src="https://evil.example"></iframe><p>framed</p>',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" data-image-id="4" data-alt="x">',
    '<a data-page-id="5 onclick=alert(1)" href="/x">smuggled id</a>',
    '<img data-image-id="3" data-format=\'fullwidth" onerror="alert(1)\' data-alt="x" src="/x">',
    '<img data-image-id="3" data-alt=\'"/><script>alert(1)</script>\' src="/x">',
    '<p><a href="/ok" data-document-id="">empty id</a></p>',
    "<!-- <script>alert(1)</script> --><p>comment</p>",
    '<p><b onmouseover="alert(1)">bold</b></p>',
    '<form action="/x"><input name="a"><button formaction="javascript:alert(1)">go</button></form>',
    '<p><a href="https://ok.example"><a href="javascript:alert(1)">nested</a></a></p>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>',
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
]
# Whatever the input, storage only ever holds these tags and attributes.
ALLOWED = {
    "p": set(),
    "h2": set(),
    "h3": set(),
    "h4": set(),
    "b": set(),
    "i": set(),
    "code": set(),
    "ul": set(),
    "ol": set(),
    "li": set(),
    "blockquote": set(),
    "pre": set(),
    "hr": set(),
    "br": set(),
    "a": {"href", "linktype", "id"},
    "embed": {"embedtype", "format", "id", "alt", "url"},
}
TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)((?:[^>\"']|\"[^\"]*\")*)>")
ATTRIBUTE = re.compile(r'\s([a-z-]+)="([^"]*)"')


def _check_only_allowed_markup(stored: str) -> None:
    for _closing, tag, attributes in TAG.findall(stored):
        assert tag in ALLOWED, stored
        names = ATTRIBUTE.findall(attributes)
        assert {name for name, _ in names} <= ALLOWED[tag], stored
        rest = ATTRIBUTE.sub("", attributes).strip()
        assert rest in ("", "/"), stored
        for name, value in names:
            if name == "id":
                assert value.isdigit(), stored
            if name in ("href", "url"):
                assert not re.match(r"\s*[a-z][a-z0-9+.-]*:", value, re.I) or re.match(
                    r"(https?|mailto):", value
                ), stored
    assert "<script" not in stored.lower() and "javascript" not in stored.lower()


@pytest.mark.parametrize("html", HOSTILE)
def test_hostile_markup_leaves_only_the_stored_formats_own_tags_and_attributes(html):
    _check_only_allowed_markup(to_storage(html))


def test_an_event_handler_never_survives_on_an_image():
    assert to_storage(HOSTILE[0]) == (
        '<embed embedtype="image" format="fullwidth" id="3" alt="a"/>'
    )


def test_a_script_in_alternative_text_stays_text_inside_the_attribute():
    stored = to_storage(HOSTILE[17])
    assert stored == (
        '<embed embedtype="image" format="fullwidth" id="3" '
        'alt="&quot;/&gt;&lt;script&gt;alert(1)&lt;/script&gt;"/>'
    )


def test_a_smuggled_page_id_is_no_page_reference():
    assert to_storage(HOSTILE[15]) == '<p><a href="/x">smuggled id</a></p>'


def test_images_by_data_url_or_without_an_intranet_id_are_dropped():
    assert to_storage('<p>x</p><img src="data:image/png;base64,AAAA">') == "<p>x</p>"
    assert to_storage('<img src="https://elsewhere.example/cat.png" alt="cat">') == ""


def test_scripts_styles_and_foreign_markup_go_with_their_content():
    assert to_storage(HOSTILE[8]) == "<p>after style</p>"
    assert to_storage(HOSTILE[9]) == "<p>after script</p>"
    assert to_storage(HOSTILE[10]) == ""
    assert to_storage(HOSTILE[13]) == "<p>framed</p>"


def test_an_image_or_list_inside_a_quote_is_kept():
    html = (
        "<blockquote><p>Quote</p><ul><li><p>one</p></li><li><p>two</p></li></ul>"
        '<img src="/x" data-alt="a" data-image-id="3"><div>more</div></blockquote>'
    )
    assert to_storage(html) == (
        "<blockquote>Quote<br/>one<br/>two<br/>more</blockquote>"
        '<embed embedtype="image" format="fullwidth" id="3" alt="a"/>'
    )
