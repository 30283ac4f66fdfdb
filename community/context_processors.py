def community(request):
    """The unread-notification count for the header (one cheap query, only when logged in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> int:
        from community.models import Notification

        return Notification.for_user(user).filter(read_at=None).count()

    # Lazy: templates that never show the count never run the query.
    from django.utils.functional import SimpleLazyObject

    return {"unread_notifications": SimpleLazyObject(unread)}
