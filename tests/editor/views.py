"""A test-only page with the editor (tests/editor/urls.py): a form with one rich-text field,
and the upload and page-search endpoints the editor talks to, answering as the real ones
must. @mentions use the real people suggestions (`profiles:suggest`)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_POST
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.shortcuts import get_rendition_or_not_found
from wagtail.models import Collection, Page

from intranet.access import visible_pages
from intranet.editor import RichTextFormField
from wiki.models import WIKI_FEATURES, WikiPage

PAGE = """{% extends "base.html" %}
{% block title %}Editor test{% endblock %}
{% block extra_head %}{{ form.media.css }}{% endblock %}
{% block content %}
<div class="narrow">
  <h1>Write something</h1>
  <form method="post" class="card">{% csrf_token %}
    <p><label for="{{ form.body.id_for_label }}">Body</label>
      {{ form.body }}{{ form.body.errors }}</p>
    <div class="actions"><button type="submit">Save</button></div>
  </form>
  {% if stored is not None %}<h2>Stored</h2><pre id="stored">{{ stored }}</pre>{% endif %}
</div>
{% endblock %}
{% block extra_js %}{{ form.media.js }}{% endblock %}
"""


class BodyForm(forms.Form):
    body = RichTextFormField(
        features=WIKI_FEATURES,
        upload_url=reverse_lazy("editor_test_upload"),
        page_search_url=reverse_lazy("editor_test_pages"),
        people_url=reverse_lazy("profiles:suggest"),
    )


def compose(request: HttpRequest) -> HttpResponse:
    """The form; `?page=<id>` loads that wiki page's stored body. A valid POST shows what
    would be stored."""
    initial = {}
    if "page" in request.GET:
        initial["body"] = WikiPage.objects.get(pk=request.GET["page"]).body
    form = BodyForm(request.POST or None, initial=initial)
    form.fields["body"].user = request.user
    stored = form.cleaned_data["body"] if request.method == "POST" and form.is_valid() else None
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"form": form, "stored": stored}, request))


def _collection() -> Collection:
    # Browser tests flush the database, Wagtail's root collection with it.
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


@require_POST
def upload(request: HttpRequest) -> JsonResponse:
    file = request.FILES.get("file")
    if file is None or file.name.endswith(".exe"):
        return JsonResponse({"error": "Programs cannot be uploaded."}, status=400)
    if (file.content_type or "").startswith("image/"):
        image = get_image_model().objects.create(
            title=file.name, file=file, uploaded_by_user=request.user, collection=_collection()
        )
        url = get_rendition_or_not_found(image, "max-800x600").url
        return JsonResponse({"kind": "image", "id": image.pk, "url": url, "title": image.title})
    document = get_document_model().objects.create(
        title=file.name, file=file, uploaded_by_user=request.user, collection=_collection()
    )
    return JsonResponse(
        {"kind": "document", "id": document.pk, "url": document.url, "title": document.title}
    )


@require_GET
def pages(request: HttpRequest) -> JsonResponse:
    found = visible_pages(request.user, Page.objects.live().filter(depth__gt=2))
    found = found.filter(title__icontains=request.GET.get("q", "")).order_by("title")[:10]
    return JsonResponse(
        {
            "results": [
                {"id": p.pk, "title": p.title, "url": p.url, "context": p.get_parent().title}
                for p in found
            ]
        }
    )
