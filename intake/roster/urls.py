"""The roster, its visits and severe-weather periods (included by intake/urls.py at the intake/ root)."""
from django.urls import path

from intake.roster import views

urlpatterns = [
    path("roster/", views.RosterListView.as_view(), name="roster_list"),
    path("roster/new/", views.roster_add, name="roster_add"),
    path("roster/people/", views.roster_person_search, name="roster_person_search"),
    path("roster/due/", views.visits_due, name="visits_due"),
    path("roster/overdue/", views.overdue_by_village, name="roster_overdue"),
    path("roster/<int:pk>/", views.RosterEntryDetailView.as_view(), name="roster_detail"),
    path("roster/<int:pk>/edit/", views.roster_edit, name="roster_edit"),
    path("roster/<int:pk>/end/", views.roster_end, name="roster_end"),
    path("roster/<int:pk>/restore/", views.roster_restore, name="roster_restore"),
    path("roster/<int:pk>/visit/", views.visit_create, name="visit_create"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("severe-weather/", views.severe_weather, name="severe_weather"),
    path("severe-weather/<int:pk>/end/", views.severe_weather_end, name="severe_weather_end"),
]
