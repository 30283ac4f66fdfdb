"""Site (not admin) views of the wiki: history, diffs, restore, the editor and its drafts,
new pages, recent changes."""

from django.urls import path

from wiki import views

app_name = "wiki"

urlpatterns = [
    path("wiki/<int:page_id>/history/", views.history, name="history"),
    path("wiki/<int:page_id>/diff/", views.diff, name="diff"),
    path("wiki/<int:page_id>/restore/<int:revision_id>/", views.restore, name="restore"),
    path("wiki/<int:page_id>/edit/", views.edit, name="edit"),
    path("wiki/<int:page_id>/autosave/", views.autosave, name="autosave"),
    path("wiki/<int:page_id>/draft/discard/", views.discard_draft, name="discard_draft"),
    path("wiki/<int:parent_id>/new/", views.new_page, name="new"),
    # A new page's draft is kept on the page it will go under.
    path(
        "wiki/<int:page_id>/new/autosave/",
        views.autosave,
        {"new_page": True},
        name="autosave_new",
    ),
    path(
        "wiki/<int:page_id>/new/discard/",
        views.discard_draft,
        {"new_page": True},
        name="discard_new_draft",
    ),
    path("wiki/spaces/<slug:slug>/changes/", views.space_changes, name="space_changes"),
]
