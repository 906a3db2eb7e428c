"""The API (included by config/urls.py under /api/): feed pushes and the OpenAPI document at a stable URL."""
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("feeds/", api.FeedListView.as_view(), name="api_feeds"),
    path("feeds/<slug:feed_code>/deliveries/", api.DeliveryCreateView.as_view(), name="api_feed_delivery_create"),
    path("feeds/deliveries/<int:pk>/", api.DeliveryDetailView.as_view(), name="api_feed_delivery_detail"),
]
