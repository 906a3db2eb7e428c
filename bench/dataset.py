"""The bench dataset: a province-sized 博山区 in one PostgreSQL database, built once and reused.

    from bench.dataset import ensure_dataset
    info = ensure_dataset("postgres://postgres@127.0.0.1:5432/jiuzhu_bench")   # 1,000,000 + 1,000,000

    .venv/bin/python bench/dataset.py [--people N] [--leads N] [--database-url URL] [--rebuild]

What it holds (DESIGN §10):

* the real region tree of 博山区 (370304: its townships, villages and made-up villager groups), loaded by
  ``accounts.regions.regions_load`` as ``seed_demo`` does, with the standard departments and feeds;
* ``people`` people in households over its villages, made by ``cases.demo.DemoGenerator`` (the same
  households, ages, valid resident IDs, statuses and tags as ``seed_demo``) but written with COPY;
* ``leads`` leads reported over the last 12 months in every township, by every method and channel. Each
  lead follows a timeline (accepted, investigated, assessed, outcomes, closed — or rejected, or merged
  into the person's earlier lead); its status is the last step reached by today, so the old ones are
  mostly closed and the recent ones open, with a few stuck ones. One open lead per person, numbers in the
  product's format (``370304-2026-000123``, gapless per year in the order reported), one source each,
  suspected relief and causes, an investigation from "investigating" on, outcomes from "in progress"
  on; referrals and a share of district checks raise transfer forms (some overdue);
* the demo logins of every role (``cases.demo.demo_accounts``, password ``Jiuzhu@2026``), some
  notifications in their inboxes, and the intake app's demo hooks (roster, standard feeds).

Everything is generated in Python in chunks and written with COPY, foreign-key triggers off during the
load (``session_replication_role = replica`` when the role may; the generator makes the keys consistent),
then the sequences are moved past the loaded ids and the database is VACUUMed and ANALYZEd. A marker table
(``bench_dataset``) records the sizes: a later call with the same sizes returns at once; other sizes
rebuild the database from an empty schema. Simple-history tables are left empty (the rows were not
made through the services).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import queue
import random
import sys
import threading
import time
from array import array
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DISTRICT_CODE = "370304"
DATASET_VERSION = 1  # bump when the generator changes: older databases are rebuilt
MARKER_TABLE = "bench_dataset"
TZ = ZoneInfo("Asia/Shanghai")
CHUNK = 50_000


@dataclass
class DatasetInfo:
    database_url: str
    people: int
    leads: int
    built_at: dt.datetime
    build_seconds: float
    reused: bool


# --- the database and Django ---------------------------------------------------------------------
def _connect_kwargs(url: str, dbname: str | None = None) -> dict:
    parts = urlparse(url)
    return {"host": parts.hostname or "127.0.0.1", "port": parts.port or 5432, "user": parts.username or "postgres",
            "password": parts.password, "dbname": dbname or parts.path.lstrip("/")}


def ensure_database(url: str) -> bool:
    """Create the database when missing; True when it was created."""
    import psycopg

    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(**_connect_kwargs(url, "postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def setup_django(url: str) -> None:
    """Django against ``url``, without DEBUG (it keeps every query) and with Celery tasks in-process."""
    from django.conf import settings

    if settings.configured:
        current = settings.DATABASES["default"]
        if current.get("NAME") != urlparse(url).path.lstrip("/"):
            raise RuntimeError(f"Django is already set up against {current.get('NAME')}, not {url}")
        return
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.pop("REDIS_URL", None)  # tasks run eagerly in this process; the load test's server gets Redis
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _marker(cursor) -> tuple | None:
    cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
    if cursor.fetchone()[0] is None:
        return None
    cursor.execute(f"SELECT people, leads, version, built_at, build_seconds FROM {MARKER_TABLE} LIMIT 1")
    return cursor.fetchone()


def ensure_dataset(database_url: str, people: int = 1_000_000, leads: int = 1_000_000, *, seed: int = 2026,
                   rebuild: bool = False, log=print) -> DatasetInfo:
    """The dataset in ``database_url`` with these sizes: reused when its marker matches, else (re)built."""
    created = ensure_database(database_url)
    if created:
        log(f"created database {urlparse(database_url).path.lstrip('/')}")
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        marker = _marker(cursor)
    if marker and not rebuild and marker[:3] == (people, leads, DATASET_VERSION):
        call_command("migrate", verbosity=0)  # the code may have gained migrations since the build
        return DatasetInfo(database_url, people, leads, marker[3], marker[4], reused=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('cases_person')")
        has_tables = cursor.fetchone()[0] is not None
    if marker or has_tables:
        reason = "--rebuild" if rebuild and marker and marker[:3] == (people, leads, DATASET_VERSION) else (
            f"found {marker[:3] if marker else 'no marker'}, wanted ({people}, {leads}, {DATASET_VERSION})")
        log(f"rebuilding the dataset from an empty schema ({reason})")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"  migrated in {time.perf_counter() - started:.0f} s")
    Builder(people=people, leads=leads, seed=seed, log=log).build()
    seconds = time.perf_counter() - started
    built_at = dt.datetime.now(dt.timezone.utc)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER_TABLE} (people integer, leads integer, version integer, "
                       "built_at timestamptz, build_seconds double precision)")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, %s, %s, %s)",
                       [people, leads, DATASET_VERSION, built_at, seconds])
    log(f"dataset built in {seconds:.0f} s")
    return DatasetInfo(database_url, people, leads, built_at, seconds, reused=False)


# --- COPY helpers --------------------------------------------------------------------------------
_REQUIRED = object()


class CopyWriter:
    """COPYs chunks of rows on a thread while the generator makes the next chunk (psycopg releases the GIL
    while the server works, so Python and PostgreSQL each keep a core busy). One COPY at a time."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="bench-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            sql, rows = item
            if self.error is not None:
                continue
            try:
                with self.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            except BaseException as exc:  # reported by close(), in the generator's thread
                self.error = exc

    def put(self, sql: str, rows: list[tuple]) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((sql, rows))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


class Table:
    """Rows of one model's table for COPY: every concrete column, the model's defaults where not given."""

    def __init__(self, model, now: dt.datetime, writer: CopyWriter):
        from django.db import models

        self.table = model._meta.db_table
        self.writer = writer
        fields = model._meta.concrete_fields
        self.position = {f.attname: i for i, f in enumerate(fields)}
        self.template = []
        for f in fields:
            if f.has_default():
                now_default = callable(f.default) and getattr(f.default, "__name__", "") == "now"
                default = now if now_default else f.get_default()
            elif f.null:
                default = None
            elif isinstance(f, (models.CharField, models.TextField)):
                default = ""
            else:
                default = _REQUIRED  # the primary key, dates, foreign keys: given by the generator
            self.template.append(default)
        self.sql = f"COPY {self.table} ({', '.join(f.column for f in fields)}) FROM STDIN"
        self.rows: list[list] = []
        self.total = 0

    def add(self, **values) -> None:
        row = self.template.copy()
        position = self.position
        for name, value in values.items():
            row[position[name]] = value
        self.rows.append(row)

    def flush(self) -> None:
        if not self.rows:
            return
        missing = [name for name, i in self.position.items() if self.rows[0][i] is _REQUIRED]
        if missing:
            raise KeyError(f"{self.table}: no value for {', '.join(missing)}")
        self.writer.put(self.sql, self.rows)
        self.total += len(self.rows)
        self.rows = []


def _raw_cursor():
    """The psycopg cursor under Django's connection (COPY is a psycopg 3 feature)."""
    from django.db import connection

    connection.ensure_connection()
    return connection.connection.cursor()


# --- the generator -------------------------------------------------------------------------------
SITUATIONS = [  # (family situation, suspected relief codes, cause codes)
    ("户主突发脑梗住院，自付医疗费用较高，家中无其他收入。", ["dibao", "medical"], ["illness"]),
    ("本人重度残疾，独居，靠亲戚接济，生活困难。", ["dibao", "tekun"], ["disability"]),
    ("房屋因暴雨部分倒塌，暂住邻居家。", ["disaster", "temporary", "housing"], ["disaster"]),
    ("家中主要劳动力交通事故受伤，无法务工。", ["temporary", "medical"], ["accident"]),
    ("两个孩子上学，父亲失业，学费难以负担。", ["education", "dibao"], ["schooling", "unemployment"]),
    ("夫妻二人均失业半年，家中有老人需赡养。", ["employment", "dibao"], ["unemployment"]),
    ("八旬老人独居，子女在外，近期行动不便。", ["tekun", "temporary"], ["no_support"]),
    ("住院合规费用自付部分超过两万元，家庭收入微薄。", ["medical", "temporary"], ["illness"]),
]
REPORTERS = ["村协理员", "网格员", "包村干部", "志愿者", "驻村工作队", "区医保分局", "区残联", "12345热线"]
# (method, channel, source type, weight)
ORIGINS = [
    ("visit", "home_visit", "manual", 45),
    ("data_push", "department_data", "feed_row", 20),
    ("work", "hotline", "hotline", 10),
    ("work", "petition", "hotline", 3),
    ("work", "online", "manual", 4),
    ("work", "public_report", "public_report", 5),
    ("work", "service_hall", "manual", 10),
    ("work", "other", "manual", 3),
]
# (outcome kind, weight); a tenth of the leads get a second one.
OUTCOMES = [("dibao", 18), ("tekun", 4), ("temporary", 20), ("referral", 10), ("monitoring", 10),
            ("observation", 15), ("not_eligible", 18), ("declined", 5)]
ASSISTED = {"dibao", "tekun", "temporary", "referral", "monitoring"}
REFERRALS = [("medical", "medical_insurance"), ("education", "education"), ("disaster", "emergency")]
TRANSFER_ANSWERS = [
    ("relief_given", "已入户核实，家庭人均收入低于低保标准，已按程序纳入救助。"),
    ("in_process", "已受理，正在组织入户调查和家庭经济状况核对。"),
    ("not_eligible", "经核实家庭收入超过标准，不符合救助条件，已向本人解释政策。"),
]
OPEN = ("reported", "accepted", "investigating", "assessed", "in_progress")


def _office_hours(moment: dt.datetime) -> dt.datetime:
    """The same day, squeezed into 08:00–18:00 (keeps the order of the moments)."""
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + dt.timedelta(hours=8) + (moment - midnight) * (10 / 24)


class Builder:
    def __init__(self, *, people: int, leads: int, seed: int, log):
        self.n_people, self.n_leads, self.seed, self.log = people, leads, seed, log
        self.rng = random.Random(seed)
        self.now = dt.datetime.now(TZ).replace(microsecond=0)
        self.today = self.now.date()

    def step(self, label: str, started: float) -> float:
        now = time.perf_counter()
        self.log(f"  {label}: {now - started:.0f} s")
        return now

    def build(self) -> None:
        from django.db import connection, transaction

        from accounts.regions import regions_load
        from cases.demo import demo_accounts

        t = time.perf_counter()
        self.district = regions_load(district_code=DISTRICT_CODE)
        self.logins = demo_accounts(district=self.district)
        t = self.step("regions, departments and demo logins", t)
        with transaction.atomic():
            cursor = _raw_cursor()
            try:
                with transaction.atomic():
                    cursor.execute("SET LOCAL session_replication_role = replica")
            except Exception:  # not a superuser: foreign keys are checked row by row, slower but fine
                self.log("  (cannot turn foreign-key triggers off: loading with them on)")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            indexes = self.indexes_drop(cursor)
            self.people_load(cursor)
            t = self.step(f"{self.n_people:,} people in households (COPY)", t)
            self.leads_load(cursor)
            t = self.step(f"{self.n_leads:,} leads, investigations, outcomes, transfer forms (COPY)", t)
            self.leads_derive(cursor)
            t = self.step("sources, suspected relief and causes of every lead (INSERT … SELECT)", t)
            for definition in indexes:
                cursor.execute(definition)
            t = self.step(f"{len(indexes)} secondary indexes rebuilt", t)
            self.finish(cursor)
            t = self.step("numbers, counters, notifications", t)
        self.hooks()
        t = self.step("app demo hooks (roster, feeds)", t)
        with connection.cursor() as c:
            # VACUUM too: it sets the visibility map, without which no count can be an index-only scan
            # (autovacuum would get there later, in the middle of a measurement).
            c.execute("VACUUM (ANALYZE)")
        self.step("VACUUM (ANALYZE)", t)

    LOADED_TABLES = (
        "cases_household", "cases_person", "cases_person_tags", "cases_lead", "cases_lead_suspected_relief",
        "cases_lead_causes", "cases_leadsource", "cases_leadsource_suspected_relief", "cases_investigation",
        "cases_outcome", "referrals_transferform", "referrals_notification",
    )

    def indexes_drop(self, cursor) -> list[str]:
        """Drop the loaded tables' secondary indexes (building them once after COPY is several times faster
        than updating them row by row); returns their definitions. Constraint indexes (keys, unique) stay."""
        cursor.execute("""
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
                       [list(self.LOADED_TABLES)])
        rows = cursor.fetchall()
        for name, _definition in rows:
            cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _name, definition in rows]

    # --- people ------------------------------------------------------------------------------
    def people_load(self, cursor) -> None:
        from cases.demo import DemoGenerator
        from cases.models import Household, Person, VulnerabilityTag

        gen = DemoGenerator(district=self.district, seed=self.seed, today=self.today)
        tag_ids = dict(VulnerabilityTag.objects.values_list("code", "id"))
        writer = CopyWriter(cursor)
        households, persons, tags = (Table(model, self.now, writer)
                                     for model in (Household, Person, Person.tags.through))
        self.person_village = array("q")
        self.person_township = array("q")
        self.person_household_size = array("B")
        household_id = person_id = link_id = 0
        rng = gen.rng
        while person_id < self.n_people:
            members = gen.household_members()[: self.n_people - person_id]
            village = rng.choice(gen.villages)
            group = rng.choice(gen.groups_by_village.get(village.id) or [None])
            status = gen.household_status(members)
            household_id += 1
            head_id = person_id + 1
            households.add(id=household_id, number=gen.next_household_number(village), township_id=village.parent_id,
                           village_id=village.id, group_id=group.id if group else None,
                           address=f"{village.parent.name}{village.name}{group.name if group else ''}"
                                   f"{rng.randint(1, 120)}号",
                           head_id=head_id, created_at=self.now)
            for m in members:
                person_id += 1
                person_status = status
                if status == "none" and len(members) == 1 and m["age"] >= 60 and rng.random() < 0.01:
                    person_status = "tekun"
                person_tags = gen.person_tags(m, members, person_status)
                persons.add(
                    id=person_id, id_number=m["id_number"], name=m["name"], sex=m["sex"], birth_date=m["birth_date"],
                    phone=gen.phone() if m["age"] >= 16 and rng.random() < 0.8 else "",
                    township_id=village.parent_id, village_id=village.id, group_id=group.id if group else None,
                    household_id=household_id, relation=m["relation"], assistance_status=person_status,
                    status_since=(self.today - dt.timedelta(days=rng.randrange(30, 2000))
                                  if person_status != "none" else None),
                    disability_grade=rng.choice((1, 2, 2, 3, 3, 4, 4, 4)) if "disabled" in person_tags else None,
                    created_at=self.now, updated_at=self.now)
                for code in person_tags:
                    link_id += 1
                    tags.add(id=link_id, person_id=person_id, vulnerabilitytag_id=tag_ids[code])
                self.person_village.append(village.id)
                self.person_township.append(village.parent_id)
                self.person_household_size.append(len(members))
            if len(persons.rows) >= CHUNK:
                for table in (households, persons, tags):
                    table.flush()
        for table in (households, persons, tags):
            table.flush()
        writer.close()
        gen.used_ids.clear()
        self.n_households = household_id

    # --- leads -------------------------------------------------------------------------------
    def leads_load(self, cursor) -> None:
        from accounts.models import Department, User
        from cases.models import Investigation, Lead, Outcome
        from referrals.models import TransferForm, TransferKind
        from referrals.workdays import WorkCalendar

        rng = self.rng
        users = dict(User.objects.values_list("username", "id"))
        self.users = users
        staff, assistant, township_user = users["district"], users["assistant"], users["township"]
        departments = dict(Department.objects.filter(district=self.district).values_list("code", "id"))
        kinds = dict(TransferKind.objects.values_list("code", "id"))
        calendar = WorkCalendar()
        due_in_5: dict[dt.date, dt.date] = {}
        district_id = self.district.id

        def due(day: dt.date) -> dt.date:
            if day not in due_in_5:
                due_in_5[day] = calendar.add_working_days(day, 5)
            return due_in_5[day]

        writer = CopyWriter(cursor)
        t_lead, t_inv, t_out, t_form = (Table(model, self.now, writer)
                                        for model in (Lead, Investigation, Outcome, TransferForm))
        tables = (t_lead, t_inv, t_out, t_form)
        ids = {"inv": 0, "out": 0, "form": 0}

        # When each lead was reported: spread over the last 12 months, working hours, in order.
        start = self.now - dt.timedelta(days=365)
        span = (self.now - start).total_seconds()
        offsets = sorted(rng.random() * span for _ in range(self.n_leads))
        open_people = bytearray(self.n_people + 1)  # 1 where the person has an open lead
        last_lead = array("q", bytes(8 * (self.n_people + 1)))  # the person's latest lead, for merges
        counters: dict[int, int] = {}
        origin_weights = [w for *_x, w in ORIGINS]
        outcome_kinds, outcome_weights = [k for k, _w in OUTCOMES], [w for _k, w in OUTCOMES]
        self.open_leads = 0
        days = dt.timedelta(days=1)

        for i, offset in enumerate(offsets, start=1):
            moment = start + dt.timedelta(seconds=offset)
            reported_at = _office_hours(moment) if moment.date() < self.today else moment
            reported_on = reported_at.date()
            # The timeline this lead would follow; its status is the last step reached by now.
            fate = rng.random()
            slow = 10 if rng.random() < 0.02 else 1  # a few leads stall for months
            steps: dict[str, dt.datetime] = {}
            if fate < 0.08:
                steps["rejected"] = reported_at + days * rng.uniform(0.1, 4)
            elif fate < 0.11:
                steps["merged"] = reported_at + days * rng.uniform(0.1, 3)
            else:
                t = reported_at + days * rng.uniform(0.05, 3) * slow
                steps["accepted"] = t
                t += days * rng.uniform(0.3, 5) * slow
                steps["investigating"] = t
                t += days * rng.uniform(2, 18) * slow
                steps["assessed"] = t
                t += days * rng.uniform(0.2, 6) * slow
                steps["in_progress"] = t
                t += days * rng.uniform(2, 40) * slow
                steps["closed"] = t
            status = "reported"
            for name, when in steps.items():
                if when <= self.now:
                    status = name
            # The person: one open lead each; a merged lead joins the person's earlier lead.
            while True:
                person = rng.randint(1, self.n_people)
                if status in OPEN or status == "merged":
                    if open_people[person]:
                        continue
                break
            merged_into = None
            if status == "merged":
                merged_into = last_lead[person] or None
                if merged_into is None:
                    status = "rejected"
                    steps = {"rejected": steps["merged"]}
            if status in OPEN:
                open_people[person] = 1
                self.open_leads += 1
            last_lead[person] = i
            year = reported_on.year
            counters[year] = counters.get(year, 0) + 1
            method, channel, source_type, _w = rng.choices(ORIGINS, weights=origin_weights)[0]
            text, _relief, _causes = rng.choice(SITUATIONS)
            late = rng.random() < 0.08
            discovered_on = reported_on - dt.timedelta(days=rng.randint(1, 3)) if late else reported_on
            urgent = rng.random() < 0.05
            by = assistant if method == "visit" and rng.random() < 0.1 else None
            reporter = "" if by else rng.choice(REPORTERS)
            closed_at = steps.get("closed") or steps.get("rejected") or steps.get("merged")
            reached = {k: v for k, v in steps.items() if v <= self.now}
            lead = dict(
                id=i, number=f"{DISTRICT_CODE}-{year}-{counters[year]:06d}", person_id=person,
                township_id=self.person_township[person - 1], village_id=self.person_village[person - 1],
                method=method, channel=channel, discoverer_id=by, discoverer_name=reporter,
                discovered_on=discovered_on, reported_at=reported_at, is_late_report=late,
                family_situation=text, is_urgent=urgent, status=status, merged_into_id=merged_into,
                reject_reason="经核实，家庭收入高于当地低保标准，暂不符合救助条件。" if status == "rejected" else "",
                created_by_id=by, updated_at=self.now, version=1 + len(reached),
            )
            if "accepted" in reached:
                lead.update(accepted_by_id=staff, accepted_at=reached["accepted"])
            if "investigating" in reached:
                lead["investigation_started_at"] = reached["investigating"]
                if urgent:
                    lead["green_channel_at"] = reached["investigating"]
            if "assessed" in reached:
                lead.update(assessed_at=reached["assessed"], assessed_by_id=township_user)
            if status in ("closed", "rejected", "merged"):
                lead.update(closed_at=closed_at, closed_by_id=township_user if status != "merged" else staff)
            if "investigating" in reached:
                ids["inv"] += 1
                inv = dict(id=ids["inv"], lead_id=i, township_id=lead["township_id"], village_id=lead["village_id"],
                           started_at=reached["investigating"], started_by_id=township_user,
                           household_size=self.person_household_size[person - 1], updated_at=self.now,
                           updated_by_id=township_user, is_joint=urgent)
                visited = reached["investigating"] + days * rng.uniform(0.1, 2)
                if visited <= self.now:
                    income = Decimal(rng.randrange(3000, 60000))
                    inv.update(visited_on=visited.date(), met_in_person=True, situation_clear=True,
                               proposals="建议按程序申请救助，并纳入低收入人口动态监测。",
                               health=rng.choice(("healthy", "chronic", "serious", "disabled")),
                               labour_capacity=rng.choice(("full", "partial", "none")),
                               self_care=rng.choice(("full", "full", "partial", "none")),
                               area=rng.choice(("urban", "rural", "rural")), income_12m=income,
                               medical_expense_12m=Decimal(rng.randrange(0, 80000)),
                               difficulty_class=rng.choice(("special", "general", "temporary")),
                               situation=f"入户核实：{text}", willing_to_apply=rng.choice(("yes", "yes", "yes", "no")))
                t_inv.add(**inv)
            if "in_progress" in reached:
                picked = [rng.choices(outcome_kinds, weights=outcome_weights)[0]]
                if rng.random() < 0.1:
                    picked.append("referral" if picked[0] != "referral" else "temporary")
                recorded = reached["in_progress"]
                for kind in picked:
                    ids["out"] += 1
                    done = status == "closed" or rng.random() < 0.4
                    outcome = dict(id=ids["out"], lead_id=i, township_id=lead["township_id"],
                                   village_id=lead["village_id"], kind=kind, recorded_by_id=township_user,
                                   recorded_at=recorded, status="done" if done else "in_progress",
                                   done_at=min(closed_at, self.now) if done else None)
                    if kind in ("dibao", "tekun", "temporary", "monitoring"):
                        outcome["included_on"] = recorded.date()
                    if kind == "temporary":
                        outcome["amount"] = Decimal(rng.randrange(5, 60) * 100)
                    elif kind == "monitoring":
                        outcome["monitoring_group"] = rng.choice(("dibao_edge", "rigid_expense", "other_low_income"))
                    elif kind == "not_eligible":
                        outcome["reason"] = "家庭人均收入高于当地低保标准。"
                    elif kind == "declined":
                        outcome.update(policy_explained=True, explained_on=recorded.date())
                    elif kind == "referral":
                        referral, department = rng.choice(REFERRALS)
                        ids["form"] += 1
                        outcome.update(referral_kind=referral, department_id=departments[department],
                                       transfer_form_id=ids["form"])
                        self.transfer_form(t_form, ids["form"], i, kind_id=kinds["special_relief"],
                                           issued_at=recorded, to_department=departments[department],
                                           scope_region=district_id, from_region=district_id, due=due)
                    t_out.add(**outcome)
            if "accepted" in reached and rng.random() < 0.04:
                # The district centre hands the lead to its township to check.
                ids["form"] += 1
                self.transfer_form(t_form, ids["form"], i, kind_id=kinds["investigate"],
                                   issued_at=reached["accepted"], to_region=lead["township_id"],
                                   scope_region=lead["township_id"], from_region=district_id, due=due)
            if status in ("closed",):
                done_kinds = {k for k in picked}
                lead["archive_class"] = ("newly_assisted" if done_kinds & ASSISTED else
                                         "observation" if "observation" in done_kinds else "not_assisted")
            t_lead.add(**lead)
            if i % CHUNK == 0:
                for table in tables:
                    table.flush()
                if i % (CHUNK * 4) == 0:
                    self.log(f"    {i:,} leads")
        for table in tables:
            table.flush()
        writer.close()
        self.lead_counters = counters
        self.form_total = ids["form"]
        self.log(f"    {t_lead.total:,} leads ({self.open_leads:,} open), {t_inv.total:,} investigations, "
                 f"{t_out.total:,} outcomes, {t_form.total:,} transfer forms")

    def leads_derive(self, cursor) -> None:
        """Each lead's first source and its suspected relief and causes, from the lead's own columns: set-based
        in PostgreSQL rather than ~6 more generated rows per lead."""
        situations = [(text, relief, causes) for text, relief, causes in SITUATIONS]
        sources = [(channel, source_type) for _method, channel, source_type, _w in ORIGINS]
        cursor.execute("CREATE TEMP TABLE bench_situation (text text, relief text[], causes text[]) ON COMMIT DROP")
        cursor.executemany("INSERT INTO bench_situation VALUES (%s, %s, %s)", situations)
        cursor.execute("CREATE TEMP TABLE bench_source (channel text, source_type text) ON COMMIT DROP")
        cursor.executemany("INSERT INTO bench_source VALUES (%s, %s)", sources)
        cursor.execute("""
            INSERT INTO cases_lead_suspected_relief (lead_id, reliefkind_id)
            SELECT l.id, k.id FROM cases_lead l JOIN bench_situation s ON s.text = l.family_situation
            JOIN cases_reliefkind k ON k.code = ANY(s.relief)""")
        cursor.execute("""
            INSERT INTO cases_lead_causes (lead_id, hardshipcause_id)
            SELECT l.id, c.id FROM cases_lead l JOIN bench_situation s ON s.text = l.family_situation
            JOIN cases_hardshipcause c ON c.code = ANY(s.causes)""")
        cursor.execute("""
            INSERT INTO cases_leadsource (id, lead_id, source_type, method, channel, reported_by_id, reporter_name,
                reporter_phone, discovered_on, reported_at, is_late_report, description, is_urgent, origin_type,
                origin_id)
            SELECT l.id, l.id, s.source_type, l.method, l.channel, l.created_by_id, l.discoverer_name, '',
                   l.discovered_on, l.reported_at, l.is_late_report, l.family_situation, l.is_urgent, '', ''
            FROM cases_lead l JOIN bench_source s ON s.channel = l.channel""")
        cursor.execute("""
            INSERT INTO cases_leadsource_suspected_relief (leadsource_id, reliefkind_id)
            SELECT lead_id, reliefkind_id FROM cases_lead_suspected_relief""")

    def transfer_form(self, table: Table, form_id: int, lead_id: int, *, kind_id: int, issued_at: dt.datetime,
                      scope_region: int, from_region: int, due, to_region: int | None = None,
                      to_department: int | None = None) -> None:
        rng, days = self.rng, dt.timedelta(days=1)
        row = dict(id=form_id, number=f"tmp-{form_id}", kind_id=kind_id, lead_id=lead_id, from_region_id=from_region,
                   issued_by_id=self.users["district"], to_region_id=to_region, to_department_id=to_department,
                   scope_region_id=scope_region, request_text="请入户核实该户家庭情况，符合条件的及时给予救助，并反馈调查处理情况。",
                   issued_at=issued_at, due_on=due(issued_at.date()), link_nonce=f"{rng.getrandbits(48):012x}",
                   link_expires_at=issued_at + days * 30, status="issued")
        received = issued_at + days * rng.uniform(0.05, 2)
        stuck = rng.random() < 0.05
        answered = received + days * rng.uniform(0.5, 6) * (8 if stuck else 1)
        closed = answered + days * rng.uniform(0.5, 5)
        if received <= self.now:
            row.update(status="received", received_at=received)
        if answered <= self.now:
            result, text = rng.choice(TRANSFER_ANSWERS)
            row.update(status="answered", answered_at=answered, answer_text=text, result=result,
                       answerer_name="经办人")
        if closed <= self.now:
            row.update(status="closed", closed_at=closed, closed_by_id=self.users["district"])
        table.add(**row)

    # --- numbers, counters, sequences, notifications -------------------------------------------
    def finish(self, cursor) -> None:
        from cases.models import LeadCounter
        from referrals.models import Notification, TransferFormCounter

        # Transfer-form numbers: gapless per year in the order issued, as transfer_form_next_number makes them.
        cursor.execute(f"""
            UPDATE referrals_transferform f SET number = 'ZB-{DISTRICT_CODE}-' || n.year || '-' || lpad(n.seq::text, greatest(4, length(n.seq::text)), '0')
            FROM (SELECT id, extract(year FROM issued_at AT TIME ZONE 'Asia/Shanghai')::int AS year,
                         row_number() OVER (PARTITION BY extract(year FROM issued_at AT TIME ZONE 'Asia/Shanghai')
                                            ORDER BY issued_at, id) AS seq
                  FROM referrals_transferform) n
            WHERE f.id = n.id""")
        cursor.execute("UPDATE cases_outcome o SET transfer_form_number = f.number FROM referrals_transferform f "
                       "WHERE o.transfer_form_id = f.id")
        for year, last in self.lead_counters.items():
            LeadCounter.objects.update_or_create(district_code=DISTRICT_CODE, year=year, defaults={"last": last})
        cursor.execute("SELECT extract(year FROM issued_at AT TIME ZONE 'Asia/Shanghai')::int, count(*) "
                       "FROM referrals_transferform GROUP BY 1")
        for year, last in cursor.fetchall():
            TransferFormCounter.objects.update_or_create(district_code=DISTRICT_CODE, year=year,
                                                         defaults={"last": last})
        # Each demo login has an inbox: the latest leads of its area, most of them read.
        writer = CopyWriter(cursor)
        notes = Table(Notification, self.now, writer)
        cursor.execute("SELECT l.id, l.number, p.name, v.name, l.reported_at, l.is_urgent, l.township_id "
                       "FROM cases_lead l JOIN cases_person p ON p.id = l.person_id "
                       "JOIN accounts_region v ON v.id = l.village_id ORDER BY l.reported_at DESC LIMIT 20000")
        latest = cursor.fetchall()
        from accounts.models import User

        from django.urls import reverse

        lead_url = reverse("cases:lead_detail", args=[0]).replace("/0/", "/{}/")
        note_id = 0
        for user in User.objects.select_related("region"):
            mine = [r for r in latest if user.region.level != "township" or r[6] == user.region_id][:300]
            for lead_id, number, name, village, at, urgent, _t in mine:
                note_id += 1
                notes.add(id=note_id, recipient_id=user.id, kind="new_lead", title=f"新线索 {number}：{name}，{village}",
                          url=lead_url.format(lead_id), is_urgent=urgent, created_at=at,
                          read_at=at + dt.timedelta(hours=2) if at < self.now - dt.timedelta(days=3) else None,
                          subject_type="cases.lead", subject_id=str(lead_id))
        notes.flush()
        writer.close()
        # Sequences past the loaded ids, so the product's own inserts continue after them.
        for table in ("cases_household", "cases_person", "cases_person_tags", "cases_lead", "cases_lead_suspected_relief",
                      "cases_lead_causes", "cases_leadsource", "cases_leadsource_suspected_relief",
                      "cases_investigation", "cases_outcome", "referrals_transferform", "referrals_notification"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")

    def hooks(self) -> None:
        """The higher apps' demo data (the roster, the standard feeds), as seed_demo adds it."""
        from cases.demo import demo_hooks

        for hook in demo_hooks:
            hook(district=self.district, seed=self.seed, today=self.today)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jiuzhu_bench"))
    parser.add_argument("--rebuild", action="store_true", help="build again even when the marker matches")
    args = parser.parse_args()
    info = ensure_dataset(args.database_url, args.people, args.leads, rebuild=args.rebuild)
    print(f"{'reused' if info.reused else 'built'}: {info.people:,} people, {info.leads:,} leads in "
          f"{info.database_url} (built {info.built_at:%Y-%m-%d %H:%M}, {info.build_seconds:.0f} s)")


if __name__ == "__main__":
    main()
