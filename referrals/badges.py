"""Navigation badges: the user's unread notifications."""
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors


def unread(request) -> int:
    """The user's unread notifications, counted once a request (the badge and the notification list both show it)."""
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = selectors.unread_count(user=request.user)
    return request._unread_notifications


def unread_notifications(request):
    user = request.user
    if not user.is_authenticated:
        return None
    return {
        "label": _("Notifications"),
        "url": reverse("referrals:notification_list"),
        "count": unread(request),
        "icon": "bell",
    }
