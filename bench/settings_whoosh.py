"""Settings for `python -m bench.whoosh_scale`: the benchmark settings plus modelsearch's test
models (Book), which that benchmark indexes instead of the site's pages."""

from bench.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "modelsearch.test.testapp"]  # noqa: F405
# Its own migrations depend on the "modelsearch" app, which Wagtail replaces with
# "wagtail.search": the throwaway database gets its tables straight from the models.
MIGRATION_MODULES = {"searchtests": None}
