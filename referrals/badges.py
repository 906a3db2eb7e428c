"""Navigation badges: the user's unread notifications."""
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors


def unread_notifications(request):
    user = request.user
    if not user.is_authenticated:
        return None
    return {
        "label": _("Notifications"),
        "url": reverse("referrals:notification_list"),
        "count": selectors.unread_count(user=user),
        "icon": "bell",
    }
