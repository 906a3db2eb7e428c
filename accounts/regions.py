"""Loading the region tree from regions.csv and the standard departments."""
from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .choices import RegionLevel
from .models import Department, Region

# The departments of DESIGN §6 (seed 003), with stable codes.
STANDARD_DEPARTMENTS = [
    ("publicity", "区委宣传部", "宣传部"),
    ("emergency", "区应急管理局", "应急"),
    ("traffic_police", "区交警大队", "交警"),
    ("fire", "区消防救援大队", "消防"),
    ("disabled_federation", "区残疾人联合会", "残联"),
    ("civil_affairs", "区民政局", "民政"),
    ("citizen_hotline", "区政府市民投诉中心（12345）", "12345"),
    ("health", "区卫生健康局", "卫健"),
    ("medical_insurance", "区医疗保障分局", "医保"),
    ("rural_revitalization", "区乡村振兴局（扶贫办）", "乡村振兴"),
    ("education", "区教育和体育局", "教体"),
    ("human_resources", "区人力资源和社会保障局", "人社"),  # seed 000: 失业人员、灵活就业人员
]

GROUP_NUMERALS = "一二三四五六七八九十"


class RegionLoadError(Exception):
    pass


def read_regions_csv(path: Path | None = None) -> list[dict]:
    path = Path(path or settings.REGIONS_CSV)
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))




def group_count(village_code: str) -> int:
    """A made-up but stable number of villager groups (3–8) for a village."""
    return 3 + int(village_code[-3:]) % 6


@transaction.atomic
def regions_load(*, district_code: str, path: Path | None = None, groups: bool = True) -> Region:
    """Create or update one district's townships and villages (and made-up villager groups).

    Idempotent: codes are the keys, names are updated in place.
    """
    rows = [r for r in read_regions_csv(path) if r["code"].startswith(district_code)]
    if not any(r["level"] == "district" for r in rows):
        raise RegionLoadError(_("District %(code)s is not in the regions file.") % {"code": district_code})
    existing = {r.code: r for r in Region.objects.filter(code__startswith=district_code)}
    by_code: dict[str, Region] = {}
    for level in (RegionLevel.DISTRICT, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        new, changed = [], []
        for r in (r for r in rows if r["level"] == level):
            parent = by_code.get(r["parent_code"])
            region = existing.get(r["code"])
            if region is None:
                region = Region(code=r["code"], name=r["name"], level=level, parent=parent)
                new.append(region)
            elif region.name != r["name"] or region.parent_id != (parent.id if parent else None):
                region.name, region.parent = r["name"], parent
                changed.append(region)
            by_code[r["code"]] = region
        Region.objects.bulk_create(new, batch_size=2000)
        Region.objects.bulk_update(changed, ["name", "parent"], batch_size=2000)
    if groups:
        existing = set(Region.objects.filter(code__startswith=district_code, level=RegionLevel.GROUP)
                       .values_list("code", flat=True))
        new = []
        for village in (v for v in by_code.values() if v.level == RegionLevel.VILLAGE):
            word = "居民小组" if village.name.endswith(("居委会", "社区", "居民委员会")) else "村民小组"
            for i in range(1, group_count(village.code) + 1):
                code = f"{village.code}{i:03d}"
                if code not in existing:
                    new.append(Region(code=code, name=f"第{GROUP_NUMERALS[i - 1]}{word}",
                                      level=RegionLevel.GROUP, parent=village))
        Region.objects.bulk_create(new, batch_size=2000)
    district = by_code[f"{district_code}000000"]
    departments_create_standard(district=district)
    return district


def departments_create_standard(*, district: Region) -> list[Department]:
    result = []
    for code, name, short in STANDARD_DEPARTMENTS:
        dept, _created = Department.objects.get_or_create(
            district=district, code=code, defaults={"name": name, "short_name": short})
        result.append(dept)
    return result
