"""Blog writes under /blogs/-/ ("-" is a slug no personal blog can take), so that they sit
beside the Wagtail-served blog pages without shadowing any of them."""

from django.urls import path

from blogs import views

app_name = "blogs"
urlpatterns = [
    path("blogs/-/write/", views.write, name="write"),
    path("blogs/-/posts/<int:post_id>/comments/", views.comment, name="comment"),
    path("blogs/-/posts/<int:post_id>/react/", views.react, name="react"),
    path("blogs/-/comments/<int:comment_id>/hide/", views.hide, name="hide"),
    path("blogs/-/comments/<int:comment_id>/report/", views.report, name="report"),
]
