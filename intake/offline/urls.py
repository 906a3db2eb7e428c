"""The assistant's offline app (issue 19; included by intake/urls.py at the intake/ root)."""
from django.urls import path

from intake.offline import views

urlpatterns = [
    path("offline/", views.shell_home, name="offline_home"),
    path("offline/lead/", views.shell_lead, name="offline_lead"),
    path("offline/due/", views.shell_due, name="offline_due"),
    path("offline/roster/", views.shell_roster, name="offline_roster"),
    path("offline/visit/", views.shell_visit, name="offline_visit"),
    path("offline/pack/", views.pack, name="offline_pack"),
    path("offline/sync/", views.sync, name="offline_sync"),
    path("offline/manifest.webmanifest", views.manifest, name="offline_manifest"),
    path("offline/sw.js", views.service_worker, name="offline_sw"),
    path("visits/<int:visit_pk>/photos/<int:pk>/", views.visit_photo, name="visit_photo"),
]
