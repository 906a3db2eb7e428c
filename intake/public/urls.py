"""The public report page (no login) and the township's handling of public reports."""
from django.urls import path

from intake.public import views as views_public

urlpatterns = [
    path("public/", views_public.public_choose, name="public_choose"),
    path("public/<str:code>/", views_public.public_report_form, name="public_report_form"),
    path("public/<str:code>/thanks/", views_public.public_report_thanks, name="public_report_thanks"),
    path("public-reports/", views_public.PublicReportListView.as_view(), name="public_report_list"),
    path("public-reports/<int:pk>/", views_public.PublicReportDetailView.as_view(), name="public_report_detail"),
    path("public-reports/poster/", views_public.public_report_posters, name="public_report_posters"),
    path("public-reports/poster/<str:code>/", views_public.public_report_poster, name="public_report_poster"),
]
