"""Leads logged by hand (included by intake/urls.py at the intake/ root)."""
from django.urls import path
from django.views.generic import RedirectView

from intake.leads import views

urlpatterns = [
    path("leads/new/", views.lead_create, name="lead_create"),
    # The lead list moved to cases, beside the lead page (DECISIONS 1206); bookmarks and the links stored in
    # notifications before the move keep working, with their filters.
    path("leads/", RedirectView.as_view(pattern_name="cases:lead_list", query_string=True, permanent=True)),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/count/", views.inbox_count, name="inbox_count"),
    path("inbox/leads/<int:pk>/<str:action>/", views.inbox_lead_action, name="inbox_lead_action"),
    path("inbox/hotline/", views.hotline_create, name="hotline_create"),
    path("people/search/", views.person_search, name="person_search"),
]
