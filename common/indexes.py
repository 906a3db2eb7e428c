"""Indexes whose kind depends on the database (issue 15)."""
from __future__ import annotations

from django.contrib.postgres.indexes import BrinIndex
from django.db.models import Index


class BrinOnPostgres(BrinIndex):
    """A BRIN index on PostgreSQL, a plain B-tree index elsewhere (SQLite, the embedded default, has no BRIN).

    For a column whose values follow the order rows are appended in — a delivery's rows are stored together, one
    delivery after another — BRIN keeps one summary per range of pages instead of an entry per row: adding a row
    costs almost nothing, and a lookup reads the ranges whose summary may hold the value (DECISIONS 1570)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Index.create_sql(self, model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)
