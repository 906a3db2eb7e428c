"""FeedRow.id_number compared byte by byte on PostgreSQL (COLLATE "C"; issue 15, session 27, DECISIONS 1490).

An ID number is 17 digits and a digit or X: its order is the same byte by byte as in any locale, but the database's
default collation compares each pair through the C library's locale rules (``strcoll``). ``feed_row_once`` starts
with the ID number and every stored row of a delivery is probed in it and inserted into it: byte-wise comparison took
7–8 % off the server's share of storing a chunk on the bench's C.UTF-8 database; a zh_CN.UTF-8 database gains more.
Not a field option (``db_collation``): SQLite, the embedded default, has no collation named "C", and its comparisons
are byte-wise already. Rewrites the table and its indexes (a lock for as long as that takes)."""
from django.db import migrations


def _alter(collation: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f'ALTER TABLE intake_feedrow ALTER COLUMN id_number TYPE varchar(18) COLLATE "{collation}"')
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0018_feed_row_one_index_no_constraints"),
    ]

    operations = [
        migrations.RunPython(_alter("C"), _alter("default")),
    ]
