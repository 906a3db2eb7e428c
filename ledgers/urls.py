from django.urls import path

from .assessment import views as assessment_views
from .dashboard import views as dashboard_views
from .monthly import views as monthly_views
from .registers import views

app_name = "ledgers"

urlpatterns = [
    path("discovery-detail.xlsx", views.discovery_detail, name="discovery_detail"),
    path("", views.ledger_index, name="index"),
    path("newly-assisted/", views.NewlyAssistedListView.as_view(), name="newly_assisted"),
    path("observation/", views.ObservationListView.as_view(), name="observation"),
    path("urgent/", views.UrgentListView.as_view(), name="urgent"),
    path("transfer-tracking.xlsx", views.transfer_tracking, name="transfer_tracking"),
    # The dashboard (DESIGN §7, §8) and the list behind its feed punctuality chart.
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/feed-deliveries/", dashboard_views.FeedDeadlineListView.as_view(), name="feed_deadline_list"),
    # The monthly report (月报) and the assessment (考核).
    path("monthly/", monthly_views.MonthlyReportListView.as_view(), name="monthly_list"),
    path("monthly/<int:pk>/", monthly_views.monthly_detail, name="monthly_detail"),
    path("monthly/district/", monthly_views.monthly_district, name="monthly_district"),
    path("monthly/figure/", monthly_views.monthly_figure, name="monthly_figure"),
    path("monthly/district/draft/", monthly_views.monthly_district_draft, name="monthly_district_draft"),
    path("monthly/district.xlsx", monthly_views.monthly_district_xlsx, name="monthly_district_xlsx"),
    path("assessment/", assessment_views.assessment, name="assessment"),
    path("assessment.xlsx", assessment_views.assessment_xlsx, name="assessment_xlsx"),
]
