"""Backups: a pg_dump of the live database restores into a fresh one with every lead (docs/BACKUP.md)."""
import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from accounts.choices import Role
from cases.models import Lead
from cases.services import lead_report


@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_pg_restore_round_trip_keeps_every_lead(world, tmp_path):
    for tool in ("pg_dump", "pg_restore"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is missing: install postgresql-client")
    today = timezone.localdate()
    for key in ("a1", "a2", "b1"):
        lead_report(person=world.people[key], method="visit", channel="home_visit", discovered_on=today,
                    by=world.users[Role.DISTRICT_STAFF], description=f"备份测试{key}")
    expected = sorted(Lead.objects.values_list("number", "person__id_number"))

    db = connection.settings_dict
    conninfo = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"] or "postgres"}
    args = ["-h", str(conninfo["host"]), "-p", str(conninfo["port"]), "-U", conninfo["user"]]
    dump = tmp_path / "jiuzhu.dump"
    subprocess.run(["pg_dump", *args, "-Fc", "-f", str(dump), db["NAME"]], check=True)
    restored = f"jiuzhu_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(["pg_restore", *args, "--no-owner", "-d", restored, str(dump)], check=True)
        with psycopg.connect(dbname=restored, **conninfo) as copy:
            rows = copy.execute(
                "SELECT l.number, p.id_number FROM cases_lead l JOIN cases_person p ON p.id = l.person_id "
                "ORDER BY 1").fetchall()
            sources = copy.execute("SELECT count(*) FROM cases_leadsource").fetchone()[0]
        assert sorted(rows) == expected and len(rows) == 3
        assert sources == 3
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}"')
