"""The feeds of DESIGN §6 (seed 003, 博政办字〔2021〕27号; the 人社 feed of seed 000) and their rules, as data.

A district gets them once, when it has no feed yet (the data migration for districts that exist then;
:func:`intake.feeds.services.feeds_install_standard` for districts loaded later). From then on they are
the district's own rows, edited in the admin: columns, header names, rules and thresholds.

Stored in Chinese: reference data the district reads and edits.
"""
from __future__ import annotations

from decimal import Decimal

ID_COLUMN = ("id_number", "身份证号", "id_number", True,
             "身份证号码\n公民身份号码\n身份证\n证件号码\n证件号\n身份证件号码\n居民身份证号码\n社会保障号码\n"
             "患者身份证号\n参保人身份证号")
NAME_COLUMN = ("name", "姓名", "name", True,
               "名字\n人员姓名\n对象姓名\n患者姓名\n参保人姓名\n参保人\n学生姓名\n当事人姓名\n求助人姓名\n"
               "受灾人姓名\n残疾人姓名\n户主姓名")
ADDRESS_COLUMN = ("address", "住址", "address", False,
                  "家庭住址\n现住址\n居住地址\n户籍地址\n地址\n所属村（社区）\n村（社区）\n所在村居\n所属社区\n村居")
PHONE_COLUMN = ("phone", "联系电话", "text", False, "电话\n手机号\n手机号码\n联系方式")
OOP_COLUMN = ("amount", "个人负担合规费用", "amount", True,
              "个人负担\n个人自付合规费用\n个人负担金额\n个人自付\n个人自付费用\n自付费用\n个人负担费用\n"
              "个人负担合规金额\n合规费用个人负担")


def _date(label: str, synonyms: str, required: bool = True):
    return ("date", label, "date", required, synonyms)


def _text(key: str, label: str, synonyms: str = "", required: bool = False):
    return (key, label, "text", required, synonyms)


EVERY_ROW = "every_row"

# 博山区's notice (seed 003): one stay of 20,000 yuan or more, 40,000 accumulated in the year. Tongling's yearly
# thresholds by assistance status and the sharp-rise rule are presets (inactive): the administrator switches them
# on in the admin (预警规则 → 启用), and the lead's report then names the rule and the threshold that applied.
YEARLY_40K = "年度住院个人负担累计4万元以上"
TIERED_NAME = "年度医疗个人负担累计超标（铜陵模式，按救助身份分档）"
TIERED_PRESET = (TIERED_NAME, "yearly_sum", Decimal("15000"),
                 {"tekun": Decimal("1000"), "dibao": Decimal("5000"), "dibao_edge": Decimal("10000"),
                  "rigid_expense": Decimal("10000"), "poverty_monitoring": Decimal("10000")},
                 None, None, ["medical"], ["illness"], False, False)
RISE_PRESET = ("医疗支出骤增（铜陵模式）", "rise", None, {}, Decimal("3"), Decimal("5000"), ["medical", "temporary"],
               ["illness"], False, False)

# code, department code, name, cadence, description, columns, rules
# A rule: (name, kind, default threshold, {status: threshold}, ratio, min amount, relief codes, cause codes, urgent
#          [, active — False for a preset the administrator switches on])
STANDARD_FEEDS = [
    ("online_help", "publicity", "网络平台求助线索", "event",
     "网络平台中困难群众求助线索，事件发生3个工作日内反馈。",
     [ID_COLUMN, NAME_COLUMN, _date("求助日期", "发布日期\n发现日期\n日期"),
      _text("summary", "求助内容", "诉求内容\n内容摘要\n求助事项\n主要内容"), ADDRESS_COLUMN, PHONE_COLUMN],
     [("网络求助线索", EVERY_ROW, None, {}, None, None, ["temporary"], [], False)]),
    ("disaster_accidents", "emergency", "自然灾害、生产安全事故致困人员", "event",
     "因自然灾害、生产安全事故导致生活困难的人员信息，事件发生3个工作日内反馈。",
     [ID_COLUMN, NAME_COLUMN, _date("事发日期", "事故日期\n受灾日期\n发生日期\n日期"),
      _text("event_type", "事件类型", "灾害类型\n事故类型\n灾种"),
      ("amount", "损失金额", "amount", False, "直接经济损失\n经济损失\n损失"),
      _text("summary", "受灾情况", "情况说明\n事故情况\n备注"), ADDRESS_COLUMN, PHONE_COLUMN],
     [("灾害事故致困", EVERY_ROW, None, {}, None, None, ["disaster", "temporary"], ["disaster"], True)]),
    ("traffic_accidents", "traffic_police", "交通事故死亡伤残人员", "event",
     "交通事故导致死亡、伤残及可能导致家庭经济困难的人员信息，事件发生3个工作日内反馈。",
     [ID_COLUMN, NAME_COLUMN, _date("事故日期", "事发日期\n发生日期\n日期"),
      _text("consequence", "伤亡情况", "事故后果\n伤亡\n伤残情况"),
      _text("summary", "事故情况", "情况说明\n备注"), ADDRESS_COLUMN, PHONE_COLUMN],
     [("交通事故死亡伤残", EVERY_ROW, None, {}, None, None, ["temporary"], ["accident"], True)]),
    ("fire_losses", "fire", "火灾较大经济损失人员", "event",
     "因火灾造成较大经济损失的人员信息，事件发生3个工作日内反馈。",
     [ID_COLUMN, NAME_COLUMN, _date("起火日期", "火灾日期\n发生日期\n日期"),
      ("amount", "直接经济损失", "amount", False, "损失金额\n经济损失\n损失"),
      _text("summary", "火灾情况", "情况说明\n备注"), ADDRESS_COLUMN, PHONE_COLUMN],
     [("火灾较大经济损失", EVERY_ROW, None, {}, None, None, ["disaster", "temporary"], ["disaster"], True)]),
    ("new_disabled", "disabled_federation", "上周新认定残疾人员", "weekly",
     "上周新认定残疾人员信息，每周一反馈。",
     [ID_COLUMN, NAME_COLUMN, _date("认定日期", "发证日期\n办证日期\n评定日期\n日期"),
      _text("disability_kind", "残疾类别", "残疾类型\n类别"), _text("disability_grade", "残疾等级", "等级\n级别"),
      ADDRESS_COLUMN, PHONE_COLUMN],
     [("新认定残疾人", EVERY_ROW, None, {}, None, None, ["dibao"], ["disability"], False)]),
    ("new_assistance", "civil_affairs", "上周新纳入救助人员", "weekly",
     "上周新纳入的低保、特困、孤困儿童、临时救助等人员信息，每周一反馈。",
     [ID_COLUMN, NAME_COLUMN, _date("纳入日期", "审批日期\n批准日期\n救助日期\n日期"),
      _text("category", "救助类别", "类别\n救助类型\n保障类别"), ADDRESS_COLUMN, PHONE_COLUMN],
     [("新纳入救助", EVERY_ROW, None, {}, None, None, ["dibao"], [], False)]),
    ("hardship_complaints", "citizen_hotline", "上周反映家庭困难的投诉人员", "weekly",
     "上周反映家庭困难等民生问题的人员信息，每周一反馈。",
     [ID_COLUMN, NAME_COLUMN, _date("受理日期", "来电日期\n投诉日期\n登记日期\n日期"),
      _text("summary", "诉求内容", "反映问题\n投诉内容\n问题描述\n内容"), ADDRESS_COLUMN, PHONE_COLUMN],
     [("反映家庭困难", EVERY_ROW, None, {}, None, None, ["temporary"], [], False)]),
    ("health_inpatient", "health", "区属医疗机构住院大额个人负担", "monthly",
     "上月在本辖区区属区管医疗机构住院个人负担合规费用单次2万元以上人员信息，每月5日前反馈。",
     [ID_COLUMN, NAME_COLUMN, _date("出院日期", "结算日期\n出院时间\n结算时间\n日期"),
      _text("hospital", "医疗机构", "就诊机构\n医院\n医院名称\n定点医疗机构"),
      ("total_cost", "住院总费用", "amount", False, "总费用\n医疗总费用\n费用总额"), OOP_COLUMN,
      ADDRESS_COLUMN, PHONE_COLUMN],
     [("单次住院个人负担2万元以上", "row_amount", Decimal("20000"), {}, None, None, ["medical", "temporary"],
       ["illness"], False)]),
    ("medical_inpatient", "medical_insurance", "城乡居民医保住院个人负担", "monthly",
     "博山区城乡居民基本医疗保险参保人上月住院结算，每月5日前反馈；单次住院个人负担合规费用2万元以上、"
     "当年度累计4万元以上预警。铜陵模式的按救助身份分档年度累计预警和费用骤增预警为预设，默认停用，"
     "可在管理后台启用。",
     [ID_COLUMN, NAME_COLUMN, _date("结算日期", "出院日期\n结算时间\n出院时间\n日期"),
      _text("hospital", "医疗机构", "就诊机构\n医院\n医院名称\n定点医疗机构"),
      ("total_cost", "住院总费用", "amount", False, "总费用\n医疗总费用\n费用总额"), OOP_COLUMN,
      ADDRESS_COLUMN, PHONE_COLUMN],
     [("单次住院个人负担2万元以上", "row_amount", Decimal("20000"), {}, None, None, ["medical", "temporary"],
       ["illness"], False),
      (YEARLY_40K, "yearly_sum", Decimal("40000"), {}, None, None, ["medical", "temporary"], ["illness"], False),
      TIERED_PRESET, RISE_PRESET]),
    ("poverty_monitoring", "rural_revitalization", "返贫动态监测线索", "monthly",
     "结对帮扶干部走访反馈的返贫动态监测线索，每月5日前反馈。",
     [ID_COLUMN, NAME_COLUMN, _date("发现日期", "走访日期\n反馈日期\n日期"),
      _text("risk", "风险类型", "返贫风险\n致贫风险\n风险"), _text("summary", "情况说明", "风险描述\n走访情况\n备注"),
      ADDRESS_COLUMN, PHONE_COLUMN],
     [("返贫监测线索", EVERY_ROW, None, {}, None, None, ["dibao", "temporary"], [], False)]),
    ("education_aid", "education", "申请教育资助在校学生", "yearly",
     "申请教育资助在校学生信息，每年12月底前反馈。",
     [ID_COLUMN, NAME_COLUMN, _date("申请日期", "申请时间\n日期", required=False),
      _text("school", "学校", "就读学校\n学校名称"), _text("grade", "年级", "就读年级\n班级"),
      ADDRESS_COLUMN, PHONE_COLUMN],
     [("申请教育资助", EVERY_ROW, None, {}, None, None, ["education"], ["schooling"], False)]),
    ("medical_yearly", "medical_insurance", "年度住院个人负担累计4万元以上", "yearly",
     "当年度住院个人负担合规费用累计4万元以上人员信息，每年12月底前反馈。",
     [ID_COLUMN, NAME_COLUMN,
      ("amount", "累计个人负担合规费用", "amount", True,
       "年度累计个人负担\n个人负担合规费用累计\n累计个人负担\n累计个人自付\n个人负担合规费用\n个人负担"),
      _date("统计截止日期", "截止日期\n统计日期\n日期", required=False), ADDRESS_COLUMN, PHONE_COLUMN],
     [("年度住院个人负担累计4万元以上", "row_amount", Decimal("40000"), {}, None, None, ["medical", "temporary"],
       ["illness"], False)]),
    # Seed 000 (国家、省级通知): 失业人员、灵活就业人员 that the employment department reports, "要重点关注基本生活
    # 保障情况". The notice sets no cadence: monthly, as the other departments' lists, due the 5th.
    ("unemployment", "human_resources", "失业人员、灵活就业人员", "monthly",
     "区人社局提供上月新登记的失业人员、灵活就业人员信息（重点关注基本生活保障情况），每月5日前反馈。",
     [ID_COLUMN, NAME_COLUMN, _date("登记日期", "失业登记日期\n就业登记日期\n办理日期\n日期"),
      _text("category", "人员类别", "类别\n人员类型\n就业状态\n登记类型"),
      _text("employer", "原工作单位", "原单位\n工作单位\n单位名称"), ADDRESS_COLUMN, PHONE_COLUMN],
     [("失业、灵活就业人员", EVERY_ROW, None, {}, None, None, ["dibao", "temporary", "employment"],
       ["unemployment"], False)]),
]


def install(*, district, Feed, FeedColumn, WarningRule, WarningThreshold, Department, ReliefKind,
            HardshipCause, only: set[str] | None = None) -> int:
    """Create the standard feeds of ``district`` (model classes passed in: this runs in a migration too).

    Does nothing when the district already has a feed (the district's own edits win), unless ``only`` names
    the feeds to add (a feed of that code the district has is left alone). Feeds whose department the district
    lacks are left out. Returns the number of feeds created.
    """
    if only is None and Feed.objects.filter(district=district).exists():
        return 0
    departments = {d.code: d for d in Department.objects.filter(district=district)}
    relief = {r.code: r for r in ReliefKind.objects.all()}
    causes = {c.code: c for c in HardshipCause.objects.all()}
    created = 0
    for order, (code, dept_code, name, cadence, description, columns, rules) in enumerate(STANDARD_FEEDS, start=1):
        department = departments.get(dept_code)
        if department is None or (only is not None and (code not in only or Feed.objects.filter(
                district=district, code=code).exists())):
            continue
        feed = Feed.objects.create(district=district, department=department, code=code, name=name,
                                   description=description, cadence=cadence, order=order)
        for col_order, (key, label, kind, required, synonyms) in enumerate(columns, start=1):
            FeedColumn.objects.create(feed=feed, key=key, label=label, kind=kind, required=required,
                                      synonyms=synonyms, order=col_order)
        for rule_order, rule in enumerate(rules, start=1):
            rule_create(feed, rule, rule_order, WarningRule=WarningRule, WarningThreshold=WarningThreshold,
                        relief=relief, causes=causes)
        created += 1
    return created


def rule_create(feed, rule: tuple, order: int, *, WarningRule, WarningThreshold, relief: dict, causes: dict):
    """One rule of :data:`STANDARD_FEEDS` for ``feed``."""
    rname, kind, default, by_status, ratio, minimum, relief_codes, cause_codes, urgent, *rest = rule
    active = rest[0] if rest else True
    created = WarningRule.objects.create(feed=feed, name=rname, kind=kind, default_threshold=default, ratio=ratio,
                                         min_amount=minimum, is_urgent=urgent, is_active=active, order=order)
    created.suspected_relief.set([relief[c] for c in relief_codes if c in relief])
    created.causes.set([causes[c] for c in cause_codes if c in causes])
    for status, amount in by_status.items():
        WarningThreshold.objects.create(rule=created, assistance_status=status, amount=amount)
    return created
