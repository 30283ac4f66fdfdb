"""The home page: the site's root and each person's dashboard."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from home.sections import dashboard_for


class HomePage(Page):
    """The root of the site: the personal dashboard."""

    intro = models.TextField(_("welcome text"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(dashboard_for(request.user))
        return context
