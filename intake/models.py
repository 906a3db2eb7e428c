"""The models of intake, one module per part (docs/ARCHITECTURE.md, "intake"): Django loads an app's models from
here, and callers keep writing ``from intake.models import RosterEntry``.

* ``intake/roster/models.py`` — the key-population roster, its visits, severe-weather periods (seeds 001, 002);
* ``intake/public/models.py`` — reports from the public (群众/志愿者求助);
* ``intake/offline/models.py`` — what each phone sent, and the photos of visits (issue 19);
* ``intake/assistants/models.py`` — village assistants' appointments and trainings (issue 17 rule 2);
* ``intake/screenings/models.py`` — concentrated screenings (集中排查) and their targets (seed 000);
* ``intake/feeds/models.py`` — department data feeds (DESIGN §6).

Leads themselves are cases' (``cases.models.Lead``); ``intake/leads/`` holds the forms and pages that raise them.
"""
from intake.assistants.models import AssistantAppointment, AssistantBackground, AssistantTraining  # noqa: F401
from intake.feeds.models import (  # noqa: F401
    FEED_MONEY,
    Feed,
    FeedBatch,
    FeedColumn,
    FeedDeadline,
    FeedRejectedRow,
    FeedRow,
    FeedToken,
    WarningRule,
    WarningThreshold,
    feed_upload_path,
)
from intake.offline.models import OfflineSubmission, VisitPhoto, visit_photo_path  # noqa: F401
from intake.public.models import PublicReport  # noqa: F401
from intake.roster.models import RosterEntry, SevereWeatherPeriod, Visit  # noqa: F401
from intake.screenings.models import CampaignTarget, ScreeningCampaign  # noqa: F401
