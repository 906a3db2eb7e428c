from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("leads/<int:pk>/", views.LeadDetailView.as_view(), name="lead_detail"),
]
