"""Village assistants (included by intake/urls.py at the intake/ root)."""
from django.urls import path

from intake.assistants import views

urlpatterns = [
    path("assistants/", views.assistant_coverage, name="assistant_coverage"),
    path("assistants/villages/<int:pk>/", views.assistant_village, name="assistant_village"),
]
