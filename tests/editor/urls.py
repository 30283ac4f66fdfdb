"""The site's URLs plus the editor's test page (tests/editor/views.py)."""

from django.urls import path

from intranet.urls import urlpatterns as site_urlpatterns
from tests.editor import views

urlpatterns = [
    path("editor-test/", views.compose, name="editor_test"),
    path("editor-test/upload/", views.upload, name="editor_test_upload"),
    path("editor-test/pages/", views.pages, name="editor_test_pages"),
    *site_urlpatterns,
]
