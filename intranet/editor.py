"""The rich-text editor outside the Wagtail admin: its storage format, its form field and widget.

The browser side is Tiptap (`frontend/editor.js`, bundled into
`intranet/static/intranet/vendor/editor.min.js`). It edits HTML in which intranet links and
images carry their ids as data attributes (`<a data-page-id="5" href="/…">`,
`<img data-image-id="3" data-alt="…" src="…">`). Pages store Wagtail's rich-text format
(`<a linktype="page" id="5">`, `<embed embedtype="image" …/>`), the one that page links,
renditions, diffs, feeds and search already read, written exactly as Wagtail's own Draftail
editor writes it. `to_storage` and `to_editor` translate between the two.

Whatever the browser sends is first sanitized by nh3, with only the tags and attributes the
editor makes; the translation then rebuilds every element from a fixed list, so no attribute
the editor did not put there can reach storage.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import nh3
from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.formats import get_image_format, get_image_formats
from wagtail.images.shortcuts import get_rendition_or_not_found
from wagtail.models import Page

from intranet.access import visible_pages

if TYPE_CHECKING:
    from collections.abc import Iterable

# Wagtail's rich-text feature names, as `RichTextField(features=...)` lists them
# (wiki.models.WIKI_FEATURES, blogs.models.BODY_FEATURES). "code-block" is the project's own
# (blogs/wagtail_hooks.py) and stores `<pre>`.
ALL_FEATURES = (
    "h2",
    "h3",
    "h4",
    "bold",
    "italic",
    "code",
    "ol",
    "ul",
    "blockquote",
    "code-block",
    "hr",
    "link",
    "document-link",
    "image",
    "embed",
)
MARKS = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "code": "code"}
MARK_TAG = {"bold": "b", "italic": "i", "code": "code"}
LISTS = ("ul", "ol")
BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr"}
# Elements pasted from elsewhere whose content is kept as blocks of its own (a table cell
# becomes a paragraph, not the end of the previous one).
CONTAINER_TAGS = {
    "div",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "main",
    "nav",
    "address",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "dl",
    "dt",
    "dd",
}
TEXT_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}
VOID_TAGS = {"br", "hr", "img", "embed"}
SAFE_SCHEMES = {"http", "https", "mailto"}
DEFAULT_IMAGE_FORMAT = "fullwidth"

# What nh3 lets through from the browser: the editor's own markup, nothing else. Scripts,
# styles and foreign vocabularies (SVG, MathML) go with their content; any other tag is
# unwrapped and keeps its text.
EDITOR_TAGS = BLOCK_TAGS | CONTAINER_TAGS | set(MARKS) | {"a", "br", "img"}
EDITOR_ATTRIBUTES = {
    "a": {"href", "data-page-id", "data-document-id", "data-embed"},
    "img": {"src", "alt", "data-image-id", "data-alt", "data-format"},
}
DROPPED_WITH_CONTENT = {
    "script",
    "style",
    "template",
    "svg",
    "math",
    "iframe",
    "object",
    "noscript",
    "title",
    "textarea",
    "select",
}
# Plain text typed into the bare textarea (JavaScript off): no tag at all.
LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z!/]")
CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f]+")
BLANK_PARAGRAPH = re.compile(r"<p>(?:\s|<br/>)*</p>")
MARKUP = re.compile(r"<[^>]*>")
VISIBLE_WITHOUT_TEXT = re.compile(r"<(?:embed|hr)\b")


@dataclass
class Element:
    """One element of a parsed fragment; children are Elements and strings (text)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """A fragment as a tree. The inputs are nh3's or Wagtail's output (well formed), so an
    unmatched end tag only closes up to its start tag and a missing one is implied at the end."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _text(value: str) -> str:
    return escape(value, quote=False)


def safe_href(href: str) -> str | None:
    """`href` if it is an http(s) or mailto address or a relative one, else None."""
    href = href.strip()
    if not href:
        return None
    scheme = urlsplit(CONTROL_AND_SPACE.sub("", href)).scheme.lower()
    return href if not scheme or scheme in SAFE_SCHEMES else None


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


# --- editor HTML -> storage --------------------------------------------------------------


class _StorageWriter:
    """Editor HTML (a parsed, sanitized tree) to Wagtail's stored rich text, one feature set."""

    def __init__(self, features: Iterable[str]) -> None:
        self.features = set(features)
        self.image_formats = {f.name for f in get_image_formats()}

    def blocks(self, nodes: list[Element | str]) -> list[str]:
        """Top-level blocks; loose inline content between blocks becomes a paragraph."""
        out: list[str] = []
        run: list[Element | str] = []
        for node in nodes:
            if isinstance(node, str) or not _is_block(node):
                run.append(node)
                continue
            out.extend(self.paragraph(run, keep_empty=False))
            run = []
            out.extend(self.block(node))
        out.extend(self.paragraph(run, keep_empty=False))
        return out

    def paragraph(self, nodes: list[Element | str], *, keep_empty: bool = True) -> list[str]:
        html, embeds = self.inline(nodes)
        if not html.strip() and not keep_empty:
            return embeds
        return [f"<p>{html}</p>", *embeds]

    def block(self, node: Element) -> list[str]:
        tag, features = node.tag, self.features
        if tag == "p":
            if (embed := self.media_embed(node)) is not None:
                return [embed]
            return self.paragraph(node.children)
        if tag in TEXT_BLOCKS:
            # Pasted documents start at h1 and go below h4: the nearest level the place allows.
            level = {"h1": "h2", "h5": "h4", "h6": "h4"}.get(tag, tag)
            if level not in features:
                return self.paragraph(node.children)
            html, embeds = self.inline(node.children)
            return [f"<{level}>{html}</{level}>", *embeds]
        if tag in LISTS:
            return self.list(node)
        if tag == "li":  # an item outside a list
            return self.blocks(node.children)
        if tag == "blockquote":
            if "blockquote" not in features:
                return self.blocks(node.children)
            html, embeds = self.lines(node.children)
            return [f"<blockquote>{html}</blockquote>", *embeds]
        if tag == "pre":
            code = _preformatted_text(node)
            if "code-block" in features:
                return [f"<pre>{_text(code)}</pre>"]
            return [f"<p>{'<br/>'.join(_text(line) for line in code.split(chr(10)))}</p>"]
        if tag == "hr":
            return ["<hr/>"] if "hr" in features else []
        if tag == "img":
            embed = self.image(node)
            return [embed] if embed else []
        return self.blocks(node.children)  # a container (div, section): its blocks

    def list(self, node: Element) -> list[str]:
        items = [c for c in node.children if not (isinstance(c, str) and not c.strip())]
        if node.tag not in self.features:
            return [
                block
                for item in items
                for block in (
                    self.blocks(item.children)
                    if isinstance(item, Element) and item.tag == "li"
                    else self.blocks([item])
                )
            ]
        out, after = [], []
        for item in items:
            children = item.children if isinstance(item, Element) and item.tag == "li" else [item]
            nested = [c for c in children if isinstance(c, Element) and c.tag in LISTS]
            html, embeds = self.lines([c for c in children if c not in nested])
            html += "".join(block for sub in nested for block in self.list(sub))
            out.append(f"<li>{html}</li>")
            after.extend(embeds)
        if not out:
            return after
        return [f"<{node.tag}>{''.join(out)}</{node.tag}>", *after]

    def lines(self, nodes: list[Element | str]) -> tuple[str, list[str]]:
        """Blocks inside a quote or list item, as Wagtail keeps them: one block of text
        whose paragraphs are separated by line breaks."""
        pieces: list[str] = []
        embeds: list[str] = []
        run: list[Element | str] = []

        def flush() -> None:
            if run:
                html, found = self.inline(run)
                if html.strip():
                    pieces.append(html)
                embeds.extend(found)
                run.clear()

        for node in nodes:
            if isinstance(node, Element) and _is_block(node):
                flush()
                if node.tag == "img":
                    embeds.extend(e for e in [self.image(node)] if e)
                elif node.tag == "pre":
                    pieces.append(_text(_preformatted_text(node)).replace("\n", "<br/>"))
                elif node.tag != "hr":
                    # A paragraph or heading is one line; a list, quote or container
                    # gives its own lines.
                    text_block = node.tag in TEXT_BLOCKS
                    html, found = (self.inline if text_block else self.lines)(node.children)
                    pieces.append(html)
                    embeds.extend(found)
            else:
                run.append(node)
        flush()
        return "<br/>".join(p for p in pieces if p), embeds

    def inline(self, nodes: list[Element | str], *, in_link: bool = False) -> tuple[str, list]:
        """Inline HTML of `nodes`, and the images found among them (stored as blocks of
        their own, after the block they were in)."""
        html: list[str] = []
        embeds: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                html.append(_text(node))
                continue
            if node.tag == "br":
                html.append("<br/>")
                continue
            if node.tag == "img":
                embeds.extend(e for e in [self.image(node)] if e)
                continue
            inner, found = self.inline(node.children, in_link=in_link or node.tag == "a")
            embeds.extend(found)
            feature = MARKS.get(node.tag)
            if feature in self.features and inner:
                tag = MARK_TAG[feature]
                html.append(f"<{tag}>{inner}</{tag}>")
            elif node.tag == "a" and not in_link:
                html.append(self.link(node.attrs, inner))
            else:
                html.append(inner)
        return "".join(html), embeds

    def link(self, attrs: dict[str, str], inner: str) -> str:
        if not inner:
            return ""
        page_id, document_id = _id(attrs.get("data-page-id")), _id(attrs.get("data-document-id"))
        if page_id is not None and "link" in self.features:
            return f'<a linktype="page" id="{page_id}">{inner}</a>'
        if document_id is not None:
            # A file's address alone would not let readers fetch it (intranet/files.py
            # finds the pages showing a file through their references): text, then.
            if "document-link" not in self.features:
                return inner
            return f'<a linktype="document" id="{document_id}">{inner}</a>'
        href = safe_href(attrs.get("href", ""))
        if href is not None and "link" in self.features:
            return f'<a href="{escape(href)}">{inner}</a>'
        return inner

    def image(self, node: Element) -> str:
        image_id = _id(node.attrs.get("data-image-id"))
        if image_id is None or "image" not in self.features:
            return ""
        alt = node.attrs.get("data-alt", node.attrs.get("alt", ""))
        image_format = node.attrs.get("data-format", "")
        if image_format not in self.image_formats:
            image_format = DEFAULT_IMAGE_FORMAT
        return (
            f'<embed embedtype="image" format="{escape(image_format)}" id="{image_id}" '
            f'alt="{escape(alt)}"/>'
        )

    def media_embed(self, paragraph: Element) -> str | None:
        """A paragraph holding only a link marked as a media embed (YouTube, Vimeo…):
        Wagtail's oEmbed block, where the place allows embeds."""
        links = [c for c in paragraph.children if not (isinstance(c, str) and not c.strip())]
        if "embed" not in self.features or len(links) != 1:
            return None
        link = links[0]
        if not isinstance(link, Element) or link.tag != "a" or "data-embed" not in link.attrs:
            return None
        url = safe_href(link.attrs.get("href", ""))
        if url is None or urlsplit(url).scheme not in ("http", "https"):
            return None
        return f'<embed embedtype="media" url="{escape(url)}"/>'


def _is_block(node: Element) -> bool:
    """Whether an element is a block or holds blocks (as a `<b>` around paragraphs)."""
    return (
        node.tag in BLOCK_TAGS
        or node.tag in CONTAINER_TAGS
        or node.tag == "img"
        or any(isinstance(c, Element) and _is_block(c) for c in node.children)
    )


def _preformatted_text(node: Element) -> str:
    """The text of a code block; line breaks made as `<br>` count as new lines."""
    parts = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag == "br":
            parts.append("\n")
        else:
            parts.append(_preformatted_text(child))
    return "".join(parts)


def _plain_text_to_html(text: str) -> str:
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return "".join(f"<p>{_text(p).replace(chr(10), '<br>')}</p>" for p in paragraphs if p)


def to_storage(editor_html: str, features: Iterable[str] = ALL_FEATURES) -> str:
    """The editor's HTML (or plain text typed without JavaScript) as Wagtail stores rich text,
    with only what `features` allow. Empty when nothing but white space is left."""
    editor_html = editor_html or ""
    if not LOOKS_LIKE_HTML.search(editor_html):
        editor_html = _plain_text_to_html(editor_html)
    clean = nh3.clean(
        editor_html,
        tags=EDITOR_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=EDITOR_ATTRIBUTES,
        url_schemes=SAFE_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    blocks = _StorageWriter(features).blocks(parse(clean).children)
    # Tiptap keeps an empty paragraph after a last image, rule or code block so the cursor
    # can get there; it is not the author's.
    while blocks and BLANK_PARAGRAPH.fullmatch(blocks[-1]):
        blocks.pop()
    stored = "".join(blocks)
    if not MARKUP.sub("", stored).strip() and not VISIBLE_WITHOUT_TEXT.search(stored):
        return ""
    return stored


# --- storage -> editor HTML --------------------------------------------------------------


def _attributes(attrs: dict[str, str | None]) -> str:
    return "".join(
        f' {name}="{escape(value)}"' for name, value in attrs.items() if value is not None
    )


def _collect(node: Element, found: dict[str, set[int]]) -> None:
    for child in node.children:
        if isinstance(child, str):
            continue
        kind = child.attrs.get("linktype") if child.tag == "a" else child.attrs.get("embedtype")
        if kind in ("page", "document", "image") and (pk := _id(child.attrs.get("id"))):
            found[kind].add(pk)
        _collect(child, found)


class _EditorWriter:
    """Stored rich text (a parsed tree) to the editor's HTML, with current URLs."""

    def __init__(self, root: Element, user) -> None:
        found: dict[str, set[int]] = {"page": set(), "document": set(), "image": set()}
        _collect(root, found)
        pages = Page.objects.filter(pk__in=found["page"])
        if user is not None:
            pages = visible_pages(user, pages)
        self.page_urls = {page.pk: page.get_url() for page in pages.only("pk", "url_path")}
        self.document_urls = {
            document.pk: document.url
            for document in get_document_model().objects.filter(pk__in=found["document"])
        }
        self.images = get_image_model().objects.in_bulk(found["image"])

    def write(self, nodes: list[Element | str]) -> str:
        return "".join(self.node(node) for node in nodes)

    def node(self, node: Element | str) -> str:
        if isinstance(node, str):
            return _text(node)
        attrs: dict[str, str | None] = dict(node.attrs)
        attrs.pop("data-block-key", None)  # Draftail's comment anchors; the editor has none
        if node.tag == "a" and "linktype" in attrs:
            return f"<a{_attributes(self.link(attrs))}>{self.write(node.children)}</a>"
        if node.tag == "embed":
            return self.embed(attrs)
        if node.tag == "pre":
            return f"<pre><code>{_text(_preformatted_text(node))}</code></pre>"
        if node.tag in VOID_TAGS:
            return f"<{node.tag}{_attributes(attrs)}>"
        return f"<{node.tag}{_attributes(attrs)}>{self.write(node.children)}</{node.tag}>"

    def link(self, attrs: dict[str, str | None]) -> dict[str, str | None]:
        kind, pk = attrs.get("linktype"), _id(attrs.get("id"))
        if kind == "page" and pk is not None:
            # A page the editor may not see keeps its id, but its address is not sent.
            return {"href": self.page_urls.get(pk), "data-page-id": str(pk)}
        if kind == "document" and pk is not None:
            return {"href": self.document_urls.get(pk), "data-document-id": str(pk)}
        return {"href": attrs.get("href")}

    def embed(self, attrs: dict[str, str | None]) -> str:
        if attrs.get("embedtype") == "media" and attrs.get("url"):
            # The editor has no embed block: a link marked as one, in a paragraph of its
            # own, which `to_storage` turns back into the embed.
            url = escape(attrs["url"])
            return f'<p><a href="{url}" data-embed="media">{url}</a></p>'
        pk = _id(attrs.get("id"))
        if attrs.get("embedtype") != "image" or pk is None:
            return ""
        image_format = attrs.get("format") or ""
        if image_format not in {f.name for f in get_image_formats()}:
            image_format = DEFAULT_IMAGE_FORMAT
        image = self.images.get(pk)
        src = ""
        if image is not None:
            # The rendition the page itself shows for this format: made once, shared.
            spec = get_image_format(image_format).filter_spec
            src = get_rendition_or_not_found(image, spec).url
        alt = attrs.get("alt") or ""
        return (
            "<img"
            + _attributes(
                {
                    "src": src,
                    "alt": alt,
                    "data-image-id": str(pk),
                    "data-alt": alt,
                    "data-format": image_format,
                }
            )
            + ">"
        )


def to_editor(stored_html: str, *, user=None) -> str:
    """Stored rich text as the editor loads it: page, document and image references carry
    their ids and current URLs. With `user`, links to pages they may not see keep their id
    and text but no address. Markup that is already the editor's passes through unchanged."""
    if not stored_html:
        return ""
    root = parse(stored_html)
    return _EditorWriter(root, user).write(root.children)


# --- form field and widget ---------------------------------------------------------------


def editor_strings() -> dict[str, Promise]:
    """The editor's words, translated by Django (the bundle has English defaults)."""
    return {
        "toolbar": _("Formatting"),
        "bold": _("Bold"),
        "italic": _("Italic"),
        "code": _("Inline code"),
        "h2": _("Heading"),
        "h3": _("Subheading"),
        "h4": _("Minor heading"),
        "ul": _("Bulleted list"),
        "ol": _("Numbered list"),
        "blockquote": _("Quote"),
        "codeBlock": _("Code block"),
        "hr": _("Horizontal line"),
        "link": _("Link"),
        "pageLink": _("Link a page"),
        "image": _("Image"),
        "file": _("File"),
        "placeholder": _("Write something…"),
        "linkTitle": _("Add a link"),
        "linkUrl": _("Address (https://…, mailto:… or /path)"),
        "linkInvalid": _("Use an address starting with https://, http://, mailto: or /."),
        "linkRemove": _("Remove link"),
        "insert": _("Insert"),
        "cancel": _("Cancel"),
        "pageTitle": _("Link a page"),
        "pageSearch": _("Search pages"),
        "pageNone": _("No pages found."),
        "pageFound": _("%(count)s pages found."),
        "pageFoundOne": _("1 page found."),
        "altTitle": _("Describe the image"),
        "altLabel": _("Alternative text for people who cannot see the image"),
        "altDecorative": _("Decorative image, nothing to describe"),
        "altMissing": _("Describe the image, or mark it as decorative."),
        "uploading": _("Uploading %(name)s…"),
        "uploadFailed": _("%(name)s could not be uploaded: %(error)s"),
        "uploadNotAllowed": _("This kind of file cannot be added here."),
        "uploadDone": _("%(name)s added."),
        "dismiss": _("Dismiss"),
        "people": _("People"),
        "peopleNone": _("Nobody found."),
    }


class RichTextInput(forms.Textarea):
    """A textarea that `editor.min.js` turns into the rich-text editor; without JavaScript
    it stays a textarea for HTML or plain text."""

    def __init__(
        self,
        features: Iterable[str] = ALL_FEATURES,
        *,
        upload_url: str | Promise | None = None,
        page_search_url: str | Promise | None = None,
        people_url: str | Promise | None = None,
        attrs: dict | None = None,
    ) -> None:
        super().__init__(attrs)
        self.features = list(features)
        self.upload_url = upload_url
        self.page_search_url = page_search_url
        self.people_url = people_url

    class Media:
        js = ["intranet/vendor/editor.min.js"]
        css = {"all": ["intranet/css/editor.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        extra = {
            "data-richtext": True,
            "data-features": " ".join(self.features),
            "data-strings": json.dumps(editor_strings(), default=str, ensure_ascii=False),
        }
        for key, url in (
            ("data-upload-url", self.upload_url),
            ("data-page-search-url", self.page_search_url),
            ("data-people-url", self.people_url),
        ):
            if url:
                extra[key] = str(url)
        context["widget"]["attrs"].update(extra)
        return context


class RichTextFormField(forms.CharField):
    """Rich text from the editor: cleaned to Wagtail's storage format, shown to the editor
    in its own. Set `user` (the person editing) so links to pages they may not see carry no
    address into the form, and so the text may show only images and files they may read
    already; set `before` (the stored text this edit started from) to let it keep what it
    showed before."""

    widget = RichTextInput

    def __init__(
        self,
        *,
        features: Iterable[str] = ALL_FEATURES,
        upload_url: str | Promise | None = None,
        page_search_url: str | Promise | None = None,
        people_url: str | Promise | None = None,
        user=None,
        **kwargs,
    ) -> None:
        self.features = list(features)
        self.user = user
        self.before = ""
        kwargs.setdefault(
            "widget",
            RichTextInput(
                self.features,
                upload_url=upload_url,
                page_search_url=page_search_url,
                people_url=people_url,
            ),
        )
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        return to_storage(super().to_python(value), self.features)

    def prepare_value(self, value) -> str:
        return to_editor(value or "", user=self.user)

    def validate(self, value) -> None:
        super().validate(value)
        # uploads.py builds on this module (the image format), so it is imported here.
        from intranet.uploads import may_show_uploads

        if self.user is not None and not may_show_uploads(self.user, value, before=self.before):
            raise forms.ValidationError(
                _("The text shows an image or file that is not available to you. Remove it."),
                code="unavailable_upload",
            )
