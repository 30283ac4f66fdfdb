"""People fixtures: a small department tree, and content about kubernetes in an open and a
members-only space, written by `editor`, for the expert finder and profile activity."""

from __future__ import annotations

import pytest

from tests.factories import DepartmentFactory, make_blog_post, make_wiki_page


@pytest.fixture
def departments(db):
    company = DepartmentFactory(name="Company", slug="company")
    it = DepartmentFactory(name="IT", slug="it", parent=company)
    ops = DepartmentFactory(name="IT Operations", slug="it-ops", parent=it)
    return {"company": company, "it": it, "it-ops": ops}


@pytest.fixture
def space_blogs(open_space, private_space, editor):
    from blogs.actions import ensure_space_blog

    return tuple(ensure_space_blog(space, actor=editor) for space in (open_space, private_space))


@pytest.fixture
def kubernetes_content(open_space, private_space, space_blogs, editor):
    """One open and two private posts, one open and one private wiki page (edited twice)."""
    open_blog, private_blog = space_blogs
    make_blog_post(
        open_blog, "Kubernetes upgrades", "<p>Rolling kubernetes upgrades.</p>", author=editor
    )
    make_blog_post(
        private_blog, "Kubernetes for Zanzibar", "<p>Secret kubernetes plans.</p>", author=editor
    )
    make_blog_post(
        private_blog, "More kubernetes", "<p>Quokka kubernetes cluster.</p>", author=editor
    )
    open_page = make_wiki_page(
        open_space, "Cluster handbook", "<p>Our kubernetes cluster.</p>", author=editor
    )
    secret_page = make_wiki_page(
        private_space, "Quokka cluster", "<p>Zanzibar kubernetes.</p>", author=editor
    )
    for page in (open_page, secret_page):
        page.body = page.body + "<p>Edited again.</p>"
        page.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    return {"open_wiki": open_page, "secret_wiki": secret_page}
