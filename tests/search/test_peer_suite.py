"""modelsearch's own backend test suite, run against the Whoosh backend.

The suite ships with modelsearch (``modelsearch.tests.test_backends.BackendTests``)
and is what its database and Elasticsearch backends must pass; passing it is
how we know ours behaves like theirs for Wagtail.
"""

from __future__ import annotations

import shutil
import sys
import tempfile

from django.apps import apps
from django.core.management import get_commands
from django.test import TestCase
from django.test.utils import override_settings

# The project installs Wagtail's subclass of the modelsearch app ("wagtail.search"),
# not "modelsearch" itself (both together are refused). The suite imports
# modelsearch.models and calls modelsearch's rebuild command by name, so point
# both at what Wagtail installs: the same IndexEntry model and the same command.
if not apps.is_installed("modelsearch"):  # pragma: no branch - depends on settings
    import wagtail.search.models

    sys.modules.setdefault("modelsearch.models", wagtail.search.models)
    get_commands().setdefault("rebuild_modelsearch_index", "modelsearch")

from modelsearch.test.testapp import models  # noqa: E402
from modelsearch.tests.test_backends import BackendTests  # noqa: E402

from search.backends.whoosh import WhooshSearchBackend  # noqa: E402

BACKEND_PATH = "search.backends.whoosh"


class TestWhooshBackend(BackendTests, TestCase):
    backend_path = BACKEND_PATH

    @classmethod
    def setUpClass(cls) -> None:
        cls.index_dir = tempfile.mkdtemp(prefix="whoosh-peer-")
        backends = {"default": {"BACKEND": BACKEND_PATH, "PATH": cls.index_dir}}
        cls.search_settings = override_settings(
            WAGTAILSEARCH_BACKENDS=backends, MODELSEARCH_BACKENDS=backends
        )
        cls.search_settings.enable()
        try:
            super().setUpClass()
        except Exception:
            cls.search_settings.disable()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls.search_settings.disable()
        shutil.rmtree(cls.index_dir, ignore_errors=True)

    def test_it_runs_on_the_whoosh_backend_with_an_index_on_disk(self) -> None:
        self.assertIsInstance(self.backend, WhooshSearchBackend)
        book_index = self.backend.get_index_for_model(models.Book)
        self.assertTrue(book_index.store.pointer.is_symlink())
