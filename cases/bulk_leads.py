"""Leads raised in bulk, set-based, beside the rule they mirror (:func:`cases.services.lead_report`).

An import that raises hundreds of leads at once (a department's delivery on PostgreSQL, DESIGN §10) cannot
call :func:`cases.services.lead_report` once per row, so it hands this module a temporary table of reports
and gets back, in that table, the lead of each report. What ``lead_report`` does for one report is done here
for all of them in a few statements, with the same results (``tests/intake/test_feeds_paths.py`` compares the
two, row by row and word by word):

* the people concerned are locked first, as ``lead_report`` locks one: two reports for one person at once
  become one lead;
* a person without an open lead gets one (their first report in the caller's order), numbered gapless per
  district and year from one block of the district's counter (:func:`cases.services.lead_numbers_reserve`),
  due for acceptance like any reported lead (the same working day when urgent); the one-open-lead-per-person
  index guards it (``ON CONFLICT DO NOTHING``, then counted: a report that lost a race stops the import);
* every other report is evidence on the person's open lead: relief and causes added, an urgent report makes
  the lead urgent (a new version with its history row);
* every report becomes a source of its lead, with its suspected relief; new leads and changed ones get their
  django-simple-history rows.

The caller (a higher app: this one never names it) creates :data:`LEADROWS` with :func:`reports_table`.
"""
from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils.translation import gettext as _

from accounts.models import Region

from .choices import OPEN_LEAD_STATUSES, LeadStatus
from .models import Lead, LeadSource, Person
from .services import LeadError, lead_numbers_reserve

LEADROWS = "bulk_lead_reports"


class BulkLeadConflict(LeadError):
    """Another report for one of these people was stored at the same moment: nothing may be kept."""


def insert_defaults(model, given: dict) -> tuple[str, str, list]:
    """Column list, SELECT expressions and their parameters for an ``INSERT … SELECT`` into ``model``: the
    columns in ``given`` take their SQL expression (a string, or a tuple of SQL and its parameters), every other
    column its model default — so a field another app adds with a default needs no change in a bulk insert."""
    names, exprs, params = [], [], []
    for f in model._meta.concrete_fields:
        if f.column == "id":
            continue
        names.append(f'"{f.column}"')
        if f.column in given:
            sql, *p = given[f.column] if isinstance(given[f.column], tuple) else (given[f.column],)
            exprs.append(sql)
            params.extend(p)
        else:
            exprs.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
    return ", ".join(names), ", ".join(exprs), params


def history_rows(cursor, model, where: str, params: list, history_type: str, now: dt.datetime) -> None:
    """The django-simple-history rows of the ``model`` rows ``where`` selects, written in one statement."""
    historical = model.history.model
    base = {f.column for f in model._meta.concrete_fields}
    copied = [f.column for f in historical._meta.concrete_fields
              if not f.name.startswith("history_") and f.column in base]
    columns = ", ".join(f'"{c}"' for c in copied)
    cursor.execute(
        f'INSERT INTO {historical._meta.db_table} ({columns}, history_date, history_change_reason, history_type, '
        f'history_user_id) SELECT {columns}, %s, NULL, %s, NULL FROM {model._meta.db_table} WHERE {where}',
        [now, history_type, *params])


def reports_table(cursor, select: str, params: list) -> None:
    """Create :data:`LEADROWS` from ``select``, which returns one report per row with the columns
    ``row_number`` (the caller's order and key), ``origin_id`` (text: the source's origin), ``person_id``,
    ``village_id``, ``description``, ``situation`` (the new lead's 家庭基本情况), ``is_urgent``, ``relief`` and
    ``causes`` (bigint arrays). Adds ``open_lead_id`` (the person's open lead, if any), ``nth`` (the report's
    place among the person's reports) and ``lead_id`` (set by :func:`leads_raise`)."""
    cursor.execute(f"DROP TABLE IF EXISTS {LEADROWS}")
    cursor.execute(f"""
        CREATE TEMP TABLE {LEADROWS} AS
        SELECT r.row_number, r.origin_id, r.person_id, substr(v.code, 1, 6) AS district, r.description,
               r.situation, r.is_urgent, r.relief, r.causes, l.id AS open_lead_id,
               row_number() OVER (PARTITION BY r.person_id ORDER BY r.row_number) AS nth, NULL::bigint AS lead_id
        FROM ({select}) r JOIN {Region._meta.db_table} v ON v.id = r.village_id
        LEFT JOIN {Lead._meta.db_table} l ON l.person_id = r.person_id AND l.status = ANY(%s)
    """, [*params, [str(s) for s in OPEN_LEAD_STATUSES]])


# A report of LEADROWS that opened a new lead (the others added evidence to a lead).
RAISED = "(open_lead_id IS NULL AND nth = 1)"


def leads_raise(cursor, *, today: dt.date, now: dt.datetime, method: str, channel: str, source_type: str,
                reporter_name: str, origin_type: str) -> None:
    """Raise the leads of the reports in :data:`LEADROWS` (inside the caller's transaction): see the module."""
    open_statuses = [str(s) for s in OPEN_LEAD_STATUSES]
    lead_table = Lead._meta.db_table
    cursor.execute(f"""SELECT p.id FROM {Person._meta.db_table} p WHERE p.id IN (SELECT person_id FROM {LEADROWS})
                       ORDER BY p.id FOR UPDATE OF p""")
    cursor.execute(f"SELECT district, count(*) FROM {LEADROWS} WHERE {RAISED} GROUP BY district ORDER BY district")
    blocks = [(district, lead_numbers_reserve(district_code=district, year=today.year, count=count), count)
              for district, count in cursor.fetchall()]
    expected = sum(b[2] for b in blocks)
    # Acceptance is owed like any reported lead's (cases/obligations.py): the same working day when urgent.
    from referrals.obligations import limit

    from .obligations import ACCEPTANCE, URGENT_ACCEPTANCE, working_days_after

    due = working_days_after(today, limit(ACCEPTANCE))
    urgent_due = working_days_after(today, limit(URGENT_ACCEPTANCE))
    if expected:
        cols, exprs, params = insert_defaults(Lead, {
            "due_on": ("CASE WHEN lr.is_urgent THEN %s::date ELSE %s::date END", urgent_due, due),
            "number": ("b.district || '-' || %s || '-' || lpad((b.first + lr.seq - 1)::text, 6, '0')", today.year),
            "person_id": "lr.person_id", "township_id": "p.township_id", "village_id": "p.village_id",
            "method": ("%s", method), "channel": ("%s", channel),
            "discoverer_name": ("%s", reporter_name), "discovered_on": ("%s", today),
            "reported_at": ("%s", now), "family_situation": "lr.situation", "is_urgent": "lr.is_urgent",
            "status": ("%s", LeadStatus.REPORTED), "updated_at": ("%s", now)})
        placeholders = ", ".join(["%s"] * len(open_statuses))
        cursor.execute(f"""
            WITH ins AS (
                INSERT INTO {lead_table} ({cols})
                SELECT {exprs}
                FROM (SELECT *, row_number() OVER (PARTITION BY district ORDER BY row_number) AS seq
                      FROM {LEADROWS} WHERE {RAISED}) lr
                JOIN {Person._meta.db_table} p ON p.id = lr.person_id
                JOIN unnest(%s::text[], %s::integer[]) AS b(district, first) ON b.district = lr.district
                ORDER BY lr.row_number
                ON CONFLICT (person_id) WHERE status IN ({placeholders}) DO NOTHING
                RETURNING id, person_id)
            UPDATE {LEADROWS} lr SET lead_id = ins.id FROM ins WHERE ins.person_id = lr.person_id
        """, [*params, [b[0] for b in blocks], [b[1] for b in blocks], *open_statuses])
        cursor.execute(f"SELECT count(DISTINCT lead_id) FROM {LEADROWS} WHERE open_lead_id IS NULL")
        if cursor.fetchone()[0] != expected:
            raise BulkLeadConflict(_("Another report for one of these people arrived at the same moment; nothing "
                                     "was stored. Please import the delivery again."))
        history_rows(cursor, Lead, f"id IN (SELECT lead_id FROM {LEADROWS} WHERE open_lead_id IS NULL)", [], "+",
                     now)
    cursor.execute(f"UPDATE {LEADROWS} SET lead_id = open_lead_id WHERE open_lead_id IS NOT NULL")
    for field_name, array in (("suspected_relief", "relief"), ("causes", "causes")):
        m2m = Lead._meta.get_field(field_name)
        cursor.execute(f"""
            INSERT INTO {m2m.remote_field.through._meta.db_table} ({m2m.m2m_column_name()}, {m2m.m2m_reverse_name()})
            SELECT DISTINCT lead_id, unnest({array}) FROM {LEADROWS} ON CONFLICT DO NOTHING""")
    # A later urgent report makes the lead urgent (a new version, with its history row), as lead_report does.
    cursor.execute(f"""
        UPDATE {lead_table} l SET is_urgent = true, version = l.version + 1, updated_at = %s,
            due_on = CASE WHEN l.status = %s THEN %s::date ELSE l.due_on END
        WHERE NOT l.is_urgent AND l.id IN (SELECT lead_id FROM {LEADROWS} WHERE is_urgent AND NOT {RAISED})
        RETURNING l.id""", [now, LeadStatus.REPORTED, urgent_due])
    urgent = [r[0] for r in cursor.fetchall()]
    if urgent:
        history_rows(cursor, Lead, "id = ANY(%s)", [urgent], "~", now)
    cols, exprs, params = insert_defaults(LeadSource, {
        "lead_id": "lr.lead_id", "source_type": ("%s", source_type), "method": ("%s", method),
        "channel": ("%s", channel), "reporter_name": ("%s", reporter_name), "discovered_on": ("%s", today),
        "reported_at": ("%s", now), "description": "lr.description", "is_urgent": "lr.is_urgent",
        "origin_type": ("%s", origin_type), "origin_id": "lr.origin_id"})
    m2m = LeadSource._meta.get_field("suspected_relief")
    cursor.execute(f"""
        WITH ins AS (INSERT INTO {LeadSource._meta.db_table} ({cols})
                     SELECT {exprs} FROM {LEADROWS} lr ORDER BY lr.row_number RETURNING id, origin_id)
        INSERT INTO {m2m.remote_field.through._meta.db_table} ({m2m.m2m_column_name()}, {m2m.m2m_reverse_name()})
        SELECT ins.id, unnest(lr.relief) FROM ins JOIN {LEADROWS} lr ON lr.origin_id = ins.origin_id
    """, params)
