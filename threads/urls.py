"""Pages of the threads app; names follow ``threads-<page>``."""

from django.urls import path

from threads import views, views_tracking

urlpatterns = [
    path("threads/", views.thread_list, name="threads-list"),
    path("threads/track/", views_tracking.thread_track_view, name="threads-track"),
    path("threads/<int:thread_id>/", views.thread_detail, name="threads-detail"),
    path("threads/<int:thread_id>/messages/<int:pk>/", views.message_detail,
         name="threads-message"),
    path("threads/messages/<path:msgid>/", views.message_detail, name="threads-message-by-id"),
    path("series/<int:series_id>/", views.series_detail, name="threads-series"),
]
