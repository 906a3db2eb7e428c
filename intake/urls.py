"""intake's pages, one ``urls`` per part, all under /intake/ and the namespace ``intake``."""
from django.urls import include, path

app_name = "intake"

urlpatterns = [
    path("", include("intake.leads.urls")),  # the lead form, the hotline, the inbox
    path("", include("intake.roster.urls")),  # the key roster, visits, severe-weather periods
    path("", include("intake.assistants.urls")),  # village assistants (协理员)
    path("", include("intake.screenings.urls")),  # concentrated screenings (集中排查)
    path("", include("intake.public.urls")),  # the public report page and the township's handling
    path("", include("intake.offline.urls")),  # the assistant's phone offline
    path("", include("intake.feeds.urls")),  # department feeds
]
