import pytest

from tests.factories import make_wiki_page

pytestmark = pytest.mark.django_db


def test_a_second_search_after_the_first_document_on_an_empty_index_works(open_space, editor):
    from wiki.models import WikiPage

    assert list(WikiPage.objects.live().search("nothing")) == []
    make_wiki_page(open_space, "Lemon tart", author=editor)
    assert [p.title for p in WikiPage.objects.live().search("lemon")] == ["Lemon tart"]
