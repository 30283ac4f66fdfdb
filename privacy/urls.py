"""/privacy/: download my data, erase a former employee's."""

from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("erase/<str:username>/", views.erase, name="erase"),
]
