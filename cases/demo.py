"""A realistic, deterministic demo district (``manage.py seed_demo``).

Households of 1–6 people with family relations and ages that fit, valid
resident IDs under the district's address code, assistance statuses at
household level in realistic shares, vulnerability tags, and one login per
role. Inserts in bulk, in chunks, so 1,000,000 people take minutes and flat memory.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from accounts.choices import RegionLevel, Role
from accounts.models import Department, Region, User
from accounts.regions import regions_load
from accounts.services import user_create
from common import resident_id
from common.registry import Hook, Registry

from .choices import AssistanceStatus, Relation
from .models import DistrictSettings, Household, Person, VulnerabilityTag

# Higher apps add their demo data (the roster, feed definitions, monthly reports…) by registering
# ``Hook("app.demo.f")`` here from their ready(); seed_demo calls each f(district=, seed=, today=) in order.
demo_hooks: Registry[Hook] = Registry("demo data")

DEMO_PASSWORD = "Jiuzhu@2026"

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN_MALE = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
GIVEN_FEMALE = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵罡恒鸿桦骅剑娇纪宽苛灵玛媚琪晴容睿烁堂唯威韦雯苇萱阅彦宇雨洋忠宗曼紫逸"

STATUS_SHARES = [  # household-level assistance status, share of households
    (AssistanceStatus.DIBAO, 0.035),
    (AssistanceStatus.DIBAO_EDGE, 0.012),
    (AssistanceStatus.RIGID_EXPENSE, 0.005),
    (AssistanceStatus.POVERTY_MONITORING, 0.008),
    (AssistanceStatus.OTHER_LOW_INCOME, 0.006),
]


@dataclass
class SeedResult:
    district: Region
    people: int = 0
    households: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, username, region)
    leads: int = 0
    transfer_forms: int = 0


class DemoGenerator:
    def __init__(self, *, district: Region, seed: int, today: dt.date):
        self.rng = random.Random(seed)
        self.district = district
        self.today = today
        self.address_code = district.code[:6]
        self.used_ids: set[str] = set()
        self.tags = {t.code: t for t in VulnerabilityTag.objects.all()}
        groups_by_village: dict[int, list[Region]] = {}
        for g in Region.objects.filter(code__startswith=district.scope_prefix, level=RegionLevel.GROUP):
            groups_by_village.setdefault(g.parent_id, []).append(g)
        self.villages = list(Region.objects.filter(code__startswith=district.scope_prefix,
                                                   level=RegionLevel.VILLAGE).select_related("parent"))
        self.groups_by_village = groups_by_village
        self.household_seq: dict[int, int] = {}

    # --- people ------------------------------------------------------------------
    def name(self, sex: str) -> str:
        given = GIVEN_MALE if sex == "M" else GIVEN_FEMALE
        n = 1 if self.rng.random() < 0.3 else 2
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(given) for _ in range(n))

    def birth_date(self, age: int) -> dt.date:
        start = dt.date(self.today.year - age - 1, self.today.month, 1) + dt.timedelta(days=1)
        return start + dt.timedelta(days=self.rng.randrange(360))

    def id_number(self, birth: dt.date, sex: str) -> str:
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if sex == "M" else 0)
            number = resident_id.build(self.address_code, birth, seq)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self) -> str:
        return self.rng.choice(("138", "139", "150", "151", "135", "186", "187", "158", "133", "177")) + \
            f"{self.rng.randrange(10**8):08d}"

    def member(self, *, age: int, sex: str, relation: str, surname: str | None = None) -> dict:
        age = max(0, min(age, 99))
        birth = self.birth_date(age)
        name = self.name(sex)
        if surname:
            name = surname + name[1:]
        return {"id_number": self.id_number(birth, sex), "name": name, "sex": sex, "birth_date": birth,
                "relation": relation, "age": age}

    def household_members(self) -> list[dict]:
        rng = self.rng
        size = rng.choices((1, 2, 3, 4, 5, 6), weights=(14, 28, 25, 18, 10, 5))[0]
        head_age = rng.randint(62, 92) if size == 1 and rng.random() < 0.6 else rng.randint(24, 80)
        head_sex = "M" if rng.random() < 0.7 else "F"
        head = self.member(age=head_age, sex=head_sex, relation=Relation.HEAD)
        members = [head]
        surname = head["name"][0]
        if size >= 2:
            members.append(self.member(age=head_age + rng.randint(-5, 5), sex="F" if head_sex == "M" else "M",
                                       relation=Relation.SPOUSE))
        remaining = size - len(members)
        if remaining and head_age > 55 and rng.random() < 0.3:
            # grandchildren living with grandparents (left-behind children)
            for _ in range(remaining):
                members.append(self.member(age=rng.randint(1, 16), sex=rng.choice("MF"),
                                           relation=Relation.GRANDCHILD, surname=surname))
            return members
        if remaining and head_age < 60 and rng.random() < 0.25:
            parent_age = head_age + rng.randint(22, 32)
            if parent_age < 99:
                members.append(self.member(age=parent_age, sex=rng.choice("MF"), relation=Relation.PARENT,
                                           surname=surname))
                remaining -= 1
        for _ in range(remaining):
            child_age = max(0, head_age - rng.randint(20, 38))
            members.append(self.member(age=child_age, sex=rng.choice("MF"), relation=Relation.CHILD,
                                       surname=surname))
        return members

    def household_status(self, members: list[dict]) -> str:
        roll = self.rng.random()
        if len(members) == 1 and (members[0]["age"] >= 60 or self.rng.random() < 0.05) and roll < 0.06:
            return AssistanceStatus.TEKUN
        acc = 0.0
        for status, share in STATUS_SHARES:
            acc += share
            if roll < acc:
                return status
        return AssistanceStatus.NONE

    def person_tags(self, m: dict, members: list[dict], status: str) -> list[str]:
        rng, tags = self.rng, []
        age = m["age"]
        if len(members) == 1 and age >= 70:
            tags.append("elderly_alone")
        if rng.random() < (0.12 if status != AssistanceStatus.NONE else 0.05):
            tags.append("disabled")
        if rng.random() < (0.08 if status != AssistanceStatus.NONE else 0.015):
            tags.append("seriously_ill")
        if age >= 75 and rng.random() < 0.08:
            tags.append("unable_to_self_care")
        if age < 18:
            if status != AssistanceStatus.NONE and rng.random() < 0.15:
                tags.append("child_in_difficulty")
            if m["relation"] == Relation.GRANDCHILD:
                tags.append("left_behind")
        elif age >= 65 and all(x["age"] >= 60 for x in members) and rng.random() < 0.1:
            tags.append("left_behind")
        children = sum(1 for x in members if x["relation"] == Relation.CHILD and x["age"] < 18)
        if children >= 3 and status != AssistanceStatus.NONE:
            tags.append("three_children_hardship")
        return tags

    # --- bulk writing --------------------------------------------------------------
    def next_household_number(self, village: Region) -> str:
        seq = self.household_seq.get(village.id, 0) + 1
        self.household_seq[village.id] = seq
        return f"{village.code}{seq:05d}"

    def write_chunk(self, target_people: int) -> tuple[int, int]:
        """Generate and insert about ``target_people`` people; return (people, households)."""
        rng = self.rng
        plans = []
        count = 0
        while count < target_people:
            members = self.household_members()[: target_people - count] or []
            if not members:
                break
            village = rng.choice(self.villages)
            groups = self.groups_by_village.get(village.id) or [None]
            group = rng.choice(groups)
            plans.append((village, group, members, self.household_status(members)))
            count += len(members)
        now = timezone.now()
        households = Household.objects.bulk_create([
            Household(number=self.next_household_number(v), township_id=v.parent_id, village=v, group=g,
                      address=f"{v.parent.name}{v.name}{(g.name if g else '')}{rng.randint(1, 120)}号",
                      created_at=now)
            for v, g, _m, _s in plans
        ], batch_size=5000)
        people, tag_plan = [], []
        for household, (village, group, members, status) in zip(households, plans, strict=True):
            for m in members:
                person_status = status
                if status == AssistanceStatus.NONE and len(members) == 1 and m["age"] >= 60 and rng.random() < 0.01:
                    person_status = AssistanceStatus.TEKUN
                people.append(Person(
                    id_number=m["id_number"], name=m["name"], sex=m["sex"], birth_date=m["birth_date"],
                    phone=self.phone() if m["age"] >= 16 and rng.random() < 0.8 else "",
                    township_id=village.parent_id, village=village, group=group, household=household,
                    relation=m["relation"], assistance_status=person_status,
                    status_since=(self.today - dt.timedelta(days=rng.randrange(30, 2000))
                                  if person_status != AssistanceStatus.NONE else None),
                    created_at=now,
                ))
                tag_plan.append(self.person_tags(m, members, person_status))
        people = Person.objects.bulk_create(people, batch_size=5000)
        Through = Person.tags.through
        links = []
        for person, tags in zip(people, tag_plan, strict=True):
            for code in tags:
                links.append(Through(person_id=person.id, vulnerabilitytag_id=self.tags[code].id))
            if "disabled" in tags:
                person.disability_grade = rng.choice((1, 2, 2, 3, 3, 4, 4, 4))
        Through.objects.bulk_create(links, batch_size=10000)
        disabled = [p for p in people if p.disability_grade]
        if disabled:
            Person.objects.bulk_update(disabled, ["disability_grade"], batch_size=2000)
        ids = [h.id for h in households]
        with connection.cursor() as cursor:
            table_h, table_p = Household._meta.db_table, Person._meta.db_table
            cursor.execute(
                f"UPDATE {table_h} SET head_id = (SELECT p.id FROM {table_p} p "
                f"WHERE p.household_id = {table_h}.id AND p.relation = %s) "
                f"WHERE id BETWEEN %s AND %s",
                [Relation.HEAD, min(ids), max(ids)],
            )
        return len(people), len(households)


def demo_accounts(*, district: Region) -> list[tuple[str, str, str]]:
    """One login per role; returns (role label, username, region name)."""
    townships = list(district.children.order_by("code"))
    township = next((t for t in townships if t.code[6] == "1"), townships[0])
    village = township.children.order_by("code").first()
    medical = Department.objects.get(district=district, code="medical_insurance")
    specs = [
        ("assistant", Role.VILLAGE_ASSISTANT, village, None, "村协理员"),
        ("township", Role.TOWNSHIP_CASEWORKER, township, None, "镇经办人"),
        ("townhead", Role.TOWNSHIP_HEAD, township, None, "镇分管领导"),
        ("medical", Role.DEPARTMENT_LIAISON, district, medical, "医保联络员"),
        ("district", Role.DISTRICT_STAFF, district, None, "区中心工作人员"),
        ("districthead", Role.DISTRICT_HEAD, district, None, "区分管领导"),
        ("admin", Role.ADMINISTRATOR, district, None, "系统管理员"),
    ]
    logins = []
    for username, role, region, department, full_name in specs:
        if not User.objects.filter(username=username).exists():
            user_create(username=username, role=role, region=region, department=department,
                        password=DEMO_PASSWORD, full_name=full_name, must_change_password=False)
        logins.append((str(Role(role).label), username, region.name))
    return logins


def demo_office_phones(*, district) -> None:
    """Made-up office numbers for the demo townships that have none (the administrator sets the real ones)."""
    townships = Region.objects.filter(code__startswith=district.scope_prefix, level=RegionLevel.TOWNSHIP, phone="")
    for n, township in enumerate(townships.order_by("code"), start=1):
        Region.objects.filter(pk=township.pk).update(phone=f"0533-41800{n:02d}")


def seed_demo(*, district_code: str, people: int, seed: int, today: dt.date | None = None,
              chunk: int = 20000, progress=None, leads: int | None = None) -> SeedResult:
    """The demo district. ``leads`` defaults to one per 200 people (at most 2,000)."""
    today = today or timezone.localdate()
    district = regions_load(district_code=district_code)
    result = SeedResult(district=district)
    generator = DemoGenerator(district=district, seed=seed, today=today)
    while result.people < people:
        with transaction.atomic():
            n_people, n_households = generator.write_chunk(min(chunk, people - result.people))
        result.people += n_people
        result.households += n_households
        if progress:
            progress(result)
    result.logins = demo_accounts(district=district)
    demo_office_phones(district=district)
    n_leads = min(people // 200, 2000) if leads is None else leads
    if n_leads:
        from referrals.demo import demo_transfer_forms

        from .demo_leads import demo_leads

        made = demo_leads(district=district, count=n_leads, seed=seed, today=today)
        result.leads = len(made)
        open_leads = [lead for lead in made if lead.status in ("accepted", "investigating")]
        result.transfer_forms = demo_transfer_forms(leads=open_leads[: max(len(open_leads) // 3, 1)],
                                                    today=today, seed=seed)
    # Higher apps add their demo data through hooks (the roster, feed definitions…).
    for hook in demo_hooks:
        hook(district=district, seed=seed, today=today)
    demo_deadlines(district=district, today=today)
    return result


# The notices the demo districts work under (DistrictSettings.notice_reference).
DEMO_NOTICES = {"370304": "博政办字〔2021〕27号《博山区社会救助主动发现机制实施方案》"}


def demo_deadlines(*, district: Region, today: dt.date, days: int = 30) -> None:
    """The district went live three months ago; the 08:30 job has run every day of the last month, so the home
    pages show what is overdue, reminded and escalated, and the assessment has its record."""
    from dateutil.relativedelta import relativedelta

    from referrals.obligations import chase_all
    from referrals.workdays import WorkCalendar

    went_live = (today - relativedelta(months=3)).replace(day=1)
    DistrictSettings.objects.update_or_create(district=district, defaults={
        "went_live_on": went_live, "notice_reference": DEMO_NOTICES.get(district.code[:6], "")})
    calendar = WorkCalendar()
    day = today - dt.timedelta(days=days)
    while day <= today:
        chase_all(today=day, calendar=calendar)
        day += dt.timedelta(days=1)
