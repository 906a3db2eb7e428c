from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    DISTRICT = "district", _("District")
    TOWNSHIP = "township", _("Township / street")
    VILLAGE = "village", _("Village / community")
    GROUP = "group", _("Villager group")


class Role(models.TextChoices):
    VILLAGE_ASSISTANT = "village_assistant", _("Village social assistance assistant")
    TOWNSHIP_CASEWORKER = "township_caseworker", _("Township caseworker")
    TOWNSHIP_HEAD = "township_head", _("Township head")
    DEPARTMENT_LIAISON = "department_liaison", _("Department liaison")
    DISTRICT_STAFF = "district_staff", _("District centre staff")
    DISTRICT_HEAD = "district_head", _("District head")
    ADMINISTRATOR = "administrator", _("System administrator")


# The region level each role's account must sit at.
ROLE_REGION_LEVEL = {
    Role.VILLAGE_ASSISTANT: RegionLevel.VILLAGE,
    Role.TOWNSHIP_CASEWORKER: RegionLevel.TOWNSHIP,
    Role.TOWNSHIP_HEAD: RegionLevel.TOWNSHIP,
    Role.DEPARTMENT_LIAISON: RegionLevel.DISTRICT,
    Role.DISTRICT_STAFF: RegionLevel.DISTRICT,
    Role.DISTRICT_HEAD: RegionLevel.DISTRICT,
    Role.ADMINISTRATOR: RegionLevel.DISTRICT,
}

DISTRICT_ROLES = frozenset({Role.DISTRICT_STAFF, Role.DISTRICT_HEAD, Role.ADMINISTRATOR})
TOWNSHIP_ROLES = frozenset({Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD})
