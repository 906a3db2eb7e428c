from django.urls import include, path

from . import views

app_name = "intake"

urlpatterns = [
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/", views.LeadListView.as_view(), name="lead_list"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/count/", views.inbox_count, name="inbox_count"),
    path("inbox/leads/<int:pk>/<str:action>/", views.inbox_lead_action, name="inbox_lead_action"),
    path("inbox/hotline/", views.hotline_create, name="hotline_create"),
    path("people/search/", views.person_search, name="person_search"),
    # The roster and visits (intake/urls_roster.py) and the public report page (intake/urls_public.py).
    path("", include("intake.urls_roster")),
    path("", include("intake.urls_public")),
    path("", include("intake.urls_offline")),  # the assistant's phone offline (intake/urls_offline.py)
    path("", include("intake.feeds.urls")),  # department feeds (intake/feeds/urls.py)
]
