from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("transfer-forms/", views.TransferFormListView.as_view(), name="transferform_list"),
    path("transfer-forms/tracking/", views.TransferTrackingView.as_view(), name="transferform_tracking"),
    path("transfer-forms/new/", views.transferform_create, name="transferform_create"),
    path("transfer-forms/<int:pk>/", views.TransferFormDetailView.as_view(), name="transferform_detail"),
    path("transfer-forms/<int:pk>/print/", views.TransferFormPrintView.as_view(), name="transferform_print"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("escalations/", views.EscalationListView.as_view(), name="escalation_list"),
    path("reminders/", views.ReminderListView.as_view(), name="reminder_list"),
    path("reminders/<int:pk>/print/", views.reminder_print, name="reminder_print"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    # The signed answer link for recipients without an account (no login).
    path("answer/<str:token>/", views.answer_link, name="answer_link"),
    path("answer/<str:token>/files/<int:pk>/", views.answer_link_attachment, name="answer_link_attachment"),
]
