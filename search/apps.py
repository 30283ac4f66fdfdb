from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "intranet_search"
    verbose_name = "Search"

    def ready(self) -> None:
        import modelsearch.signal_handlers

        from search import receivers

        # modelsearch (run by "wagtail.search", which starts after this app) connects a
        # receiver that queues an index update on every save, inside the transaction: three
        # or four per publish, and with immediate tasks the Whoosh commit runs while the
        # database write is still open. Ours updates each object once, after the commit;
        # modelsearch's ready() looks the function up when it runs, so it connects ours.
        modelsearch.signal_handlers.register_signal_handlers = receivers.connect_receivers
