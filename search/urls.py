from django.urls import path

from search import views

app_name = "search"
urlpatterns = [
    path("", views.search, name="search"),
    path("suggest/", views.suggestions, name="suggest"),
    path("-/pages.json", views.pages_json, name="pages_json"),
]
