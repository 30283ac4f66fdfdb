from django.urls import path

from community import reviews, views

app_name = "community"
urlpatterns = [
    path("follow/<str:kind>/<str:key>/", views.follow, name="follow"),
    path("unfollow/<str:kind>/<str:key>/", views.unfollow, name="unfollow"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("report/", views.report, name="report"),
    # Under blogs/-/ beside the other comment writes, where the form has always sent it.
    path(
        "blogs/-/comments/<int:comment_id>/report/",
        views.report_comment,
        name="report_comment",
    ),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/<int:report_id>/", views.resolve, name="resolve"),
    path("moderation/changes/", reviews.changes, name="reviews"),
    path("moderation/changes/<int:task_state_id>/", reviews.review, name="review"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
]
