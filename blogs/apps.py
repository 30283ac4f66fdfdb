from django.apps import AppConfig


def reindex_published_post(sender, instance, **kwargs) -> None:
    """Index a post again once it is published with its tags.

    modelsearch indexes a page on `post_save`, but a post's tags are a child relation that
    modelcluster writes after that save; with the immediate task backend the index would
    get the post without its new tags (a queued task, run later, reads them from the
    database). `page_published` is sent after the tags are written."""
    from modelsearch.tasks import insert_or_update_object_task

    insert_or_update_object_task.enqueue(
        instance._meta.app_label, instance._meta.model_name, str(instance.pk)
    )


class BlogsConfig(AppConfig):
    name = "blogs"
    verbose_name = "Blogs"

    def ready(self) -> None:
        from wagtail.signals import page_published

        from blogs.models import BlogPostPage

        page_published.connect(
            reindex_published_post, sender=BlogPostPage, dispatch_uid="blogs_reindex_post"
        )
