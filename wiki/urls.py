"""Site (not admin) views of the wiki: history, diffs, restore, new pages, recent changes."""

from django.urls import path

from wiki import views

app_name = "wiki"

urlpatterns = [
    path("wiki/<int:page_id>/history/", views.history, name="history"),
    path("wiki/<int:page_id>/diff/", views.diff, name="diff"),
    path("wiki/<int:page_id>/restore/<int:revision_id>/", views.restore, name="restore"),
    path("wiki/<int:page_id>/edit/", views.edit, name="edit"),
    path("wiki/<int:parent_id>/new/", views.new_page, name="new"),
    path("wiki/spaces/<slug:slug>/changes/", views.space_changes, name="space_changes"),
]
