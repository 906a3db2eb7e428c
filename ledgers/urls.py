from django.urls import path

from . import views

app_name = "ledgers"

urlpatterns = [
    path("discovery-detail.xlsx", views.discovery_detail, name="discovery_detail"),
]
