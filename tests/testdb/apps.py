from django.apps import AppConfig


class TestDbConfig(AppConfig):
    """Only its `flush` command: see the package's docstring."""

    name = "tests.testdb"
    label = "testdb"
