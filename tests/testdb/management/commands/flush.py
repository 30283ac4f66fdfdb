"""Django's flush without the post_migrate signal: the content types and permissions that
the signal writes are kept by the test backends' flush (see `tests.testdb`)."""

from django.core.management.commands import flush


class Command(flush.Command):
    def handle(self, **options):
        options["inhibit_post_migrate"] = True
        return super().handle(**options)
