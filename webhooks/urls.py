"""Webhooks have no pages of their own on the site: site admins manage them in the Wagtail
admin (Settings → Webhooks, `webhooks.views`)."""

app_name = "webhooks"

urlpatterns: list = []
