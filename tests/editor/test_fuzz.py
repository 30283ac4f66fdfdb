"""Hypothesis throws generated markup at the storage conversion: whatever comes in, storage
holds only its own vocabulary, and a stored body loaded into the editor and saved unchanged
comes back identical."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intranet.editor import to_editor, to_storage
from tests.editor.test_storage import _check_only_allowed_markup

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TAGS = [
    "p", "h1", "h2", "h3", "h4", "h6", "b", "strong", "i", "em", "code", "a", "ul", "ol", "li",
    "blockquote", "pre", "div", "span", "table", "td", "script", "svg", "style", "u",
]  # fmt: skip
VOID = ["br", "hr", "img", "embed"]
ATTRIBUTES = st.sampled_from(
    [
        ("href", "https://example.com/a?b=1&c=2"),
        ("href", "javascript:alert(1)"),
        ("href", "/relative/"),
        ("href", "mailto:a@example.com"),
        ("href", "data:text/html,x"),
        ("data-page-id", "5"),
        ("data-page-id", "5x"),
        ("data-document-id", "7"),
        ("data-image-id", "3"),
        ("data-alt", 'a "quoted" <alt> & more'),
        ("data-format", "left"),
        ("data-format", "bogus"),
        ("data-embed", "media"),
        ("onclick", "alert(1)"),
        ("style", "color:red"),
        ("src", "data:image/png;base64,AAAA"),
    ]
)
TEXT = st.text(alphabet=st.sampled_from(list("ab <>&\"'\n\t@[]") + ["\xa0", "é"]), max_size=12)


def _attributes(pairs) -> str:
    out = []
    for name, value in pairs:
        value = value.replace("&", "&amp;").replace('"', "&quot;")
        out.append(f' {name}="{value}"')
    return "".join(out)


def _element(children):
    return st.one_of(
        st.tuples(st.sampled_from(TAGS), st.lists(ATTRIBUTES, max_size=3), children).map(
            lambda t: f"<{t[0]}{_attributes(t[1])}>{''.join(t[2])}</{t[0]}>"
        ),
        st.tuples(st.sampled_from(VOID), st.lists(ATTRIBUTES, max_size=3)).map(
            lambda t: f"<{t[0]}{_attributes(t[1])}>"
        ),
    )


HTML = st.recursive(TEXT, lambda children: _element(st.lists(children, max_size=4)), max_leaves=25)
BODIES = st.lists(HTML, max_size=5).map("".join)


@FUZZ
@given(html=BODIES)
def test_storage_only_ever_holds_its_own_markup(html):
    _check_only_allowed_markup(to_storage(html))


@FUZZ
@given(html=BODIES)
def test_a_stored_body_loaded_and_saved_unchanged_stays_the_same(html):
    stored = to_storage(html)
    assert to_storage(to_editor(stored)) == stored
