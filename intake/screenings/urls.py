"""Concentrated screenings (included by intake/urls.py at the intake/ root)."""
from django.urls import path

from intake.screenings import views

urlpatterns = [
    path("screenings/", views.campaign_list, name="campaign_list"),
    path("screenings/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("screenings/targets/<int:pk>/visit/", views.campaign_target_visit, name="campaign_target_visit"),
]
