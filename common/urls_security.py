from django.urls import path

from . import views_security

app_name = "common"
urlpatterns = [
    path("audit/", views_security.AuditLogView.as_view(), name="audit_log"),
    path("reveal/<str:model>/<int:pk>/<str:field>/", views_security.reveal, name="reveal"),
]
