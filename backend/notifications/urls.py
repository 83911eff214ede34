from django.urls import path

from backend.notifications import api, views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("api/notifications/", api.NotificationListView.as_view(), name="api-notifications"),
    path(
        "api/notifications/read/", api.NotificationReadView.as_view(), name="api-notifications-read"
    ),
]
