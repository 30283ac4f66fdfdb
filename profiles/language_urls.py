from django.urls import path

from profiles.language import set_language

urlpatterns = [path("", set_language, name="set_language")]
