from django.urls import path

from . import views, views_applications, views_assignments, views_checks, views_informing, views_voluntary

app_name = "cases"

urlpatterns = [
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("leads/", views.LeadListView.as_view(), name="lead_list"),
    path("leads/<int:pk>/", views.LeadDetailView.as_view(), name="lead_detail"),
    path("leads/<int:pk>/investigation/", views.investigation_edit, name="investigation_edit"),
    path("leads/<int:pk>/outcomes/new/", views.outcome_create, name="outcome_create"),
    path("leads/<int:pk>/green-channel/", views.green_channel, name="green_channel"),
    path("leads/<int:pk>/do/<slug:action>/", views.lead_action, name="lead_action"),
    path("leads/<int:pk>/change-of-mind/", views_voluntary.change_of_mind, name="change_of_mind"),
    path("leads/<int:pk>/identify/", views_voluntary.lead_identify_view, name="lead_identify"),
    path("outcomes/", views.OutcomeListView.as_view(), name="outcome_list"),
    path("outcomes/<int:pk>/do/<slug:action>/", views.outcome_action, name="outcome_action"),
    path("outcomes/<int:pk>/notify/", views_informing.outcome_notify_view, name="outcome_notify"),
    path("outcomes/<int:pk>/filing/", views_informing.filing_receive_view, name="filing_receive"),
    path("outcomes/<int:pk>/publicity/", views_applications.outcome_publicity, name="outcome_publicity"),
    path("leads/<int:pk>/application-help/", views_applications.application_help, name="application_help"),
    path("follow-ups/", views.FollowUpListView.as_view(), name="follow_up_list"),
    path("follow-ups/<int:pk>/", views.follow_up_record, name="follow_up_record"),
    path("spot-checks/", views.SpotCheckListView.as_view(), name="spot_check_list"),
    path("spot-checks/draw/", views.spot_check_draw, name="spot_check_draw"),
    path("spot-checks/<int:pk>/", views.spot_check_record, name="spot_check_record"),
    # 包村 / 包户 (issue 17 rule 3): cases/views_assignments.py
    path("cadres/", views_assignments.CadreAssignmentListView.as_view(), name="cadre_assignment_list"),
    path("cadres/assign/", views_assignments.cadre_assign, name="cadre_assign"),
    path("cadres/end/", views_assignments.cadre_assignment_end, name="cadre_assignment_end"),
    # The township's own checks (issue 17 rule 10): cases/views_checks.py
    path("township-checks/", views_checks.UnreportedCheckListView.as_view(), name="unreported_check_list"),
    path("township-checks/draw/", views_checks.township_checks_draw, name="township_checks_draw"),
    path("township-checks/<int:pk>/", views_checks.unreported_check_record, name="unreported_check_record"),
]
