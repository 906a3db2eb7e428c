"""Who may deliver a feed and what columns it has; the feeds' error."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.choices import RegionLevel, Role
from accounts.models import Department, Region
from cases.models import HardshipCause, ReliefKind
from intake.models import Feed, FeedColumn, WarningRule, WarningThreshold

from .parsing import ColumnSpec

# Who delivers for a department besides its liaisons: the district centre (on their behalf) and admins.
DISTRICT_DELIVERERS = frozenset({Role.DISTRICT_STAFF, Role.ADMINISTRATOR})


class FeedError(Exception):
    """A delivery that cannot be received or imported; the message is for the user, in Chinese."""


# --- definitions -------------------------------------------------------------------------------
def feeds_install_standard(*, district: Region) -> int:
    """The twelve standard feeds for a district that has none yet (idempotent). Returns how many were made."""
    from .standard import install

    if district.level != RegionLevel.DISTRICT:
        district = Region.objects.get(code=f"{district.code[:6]}000000")
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=district.pk).first()
        return install(district=district, Feed=Feed, FeedColumn=FeedColumn, WarningRule=WarningRule,
                       WarningThreshold=WarningThreshold, Department=Department, ReliefKind=ReliefKind,
                       HardshipCause=HardshipCause)


def column_specs(feed: Feed) -> list[ColumnSpec]:
    specs = []
    for column in feed.columns.all().order_by("order", "id"):
        spec = ColumnSpec.of(column)
        from .parsing import normalise_header

        specs.append(ColumnSpec(key=spec.key, label=spec.label, kind=spec.kind, required=spec.required,
                                names=tuple(dict.fromkeys((*spec.names, normalise_header(spec.key))))))
    return specs


def can_deliver(user, feed: Feed) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user.has_perm("intake.add_feedbatch"):
        return False
    if user.role == Role.DEPARTMENT_LIAISON:
        return user.department_id == feed.department_id
    return user.role in DISTRICT_DELIVERERS and user.region.district_code == feed.district.code[:6]


def _check_can_deliver(user, feed: Feed) -> None:
    if not can_deliver(user, feed):
        raise FeedError(_("You cannot deliver data for %(feed)s: only its department's liaisons and the district "
                          "centre can.") % {"feed": feed.name})
