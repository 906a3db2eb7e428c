from django.urls import path

from . import views

# Included by intake/urls.py under the intake namespace.
urlpatterns = [
    path("feeds/", views.feed_index, name="feed_index"),
    path("feeds/<int:pk>/upload/", views.feed_upload, name="feed_upload"),
    path("feeds/deliveries/", views.FeedBatchListView.as_view(), name="feed_batch_list"),
    path("feeds/deliveries/<int:pk>/", views.batch_detail, name="feed_batch_detail"),
    path("feeds/deliveries/<int:pk>/preview/", views.batch_preview, name="feed_batch_preview"),
    path("feeds/deliveries/<int:pk>/progress/", views.batch_progress, name="feed_batch_progress"),
    path("feeds/deliveries/<int:pk>/cancel/", views.batch_cancel, name="feed_batch_cancel"),
    path("feeds/deliveries/<int:pk>/rejected.xlsx", views.batch_rejected_xlsx, name="feed_batch_rejected"),
]
