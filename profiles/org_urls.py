from django.urls import path

from profiles import views

urlpatterns = [path("", views.org_chart, name="org_chart")]
