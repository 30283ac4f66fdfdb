from django.urls import path

from profiles import suggest, views

app_name = "profiles"
urlpatterns = [
    path("", views.directory, name="directory"),
    # Before "<username>/edit/"; the view serves a person called "me" their own page.
    path("me/edit/", views.me, name="me"),
    path("me/complete/", views.complete, name="complete"),
    # Before "<username>/": "-" is no one's username (ACCOUNT_USERNAME_BLACKLIST).
    path("-/suggest/", suggest.suggest, name="suggest"),
    path("<str:username>/", views.detail, name="detail"),
    path("<str:username>/edit/", views.edit, name="edit"),
    path("<str:username>/vcard/", views.vcard, name="vcard"),
    path("<str:username>/deactivate/", views.deactivate, name="deactivate"),
    path("<str:username>/reactivate/", views.reactivate, name="reactivate"),
    path("<str:username>/skills/", views.add_skill, name="add_skill"),
    path("<str:username>/skills/<slug:skill>/remove/", views.remove_skill, name="remove_skill"),
    path("<str:username>/skills/<slug:skill>/endorse/", views.endorse, name="endorse"),
]
