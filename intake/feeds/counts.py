"""What an import did, row by row: the counts a delivery keeps (``FeedBatch.rows_*``, ``leads_raised``…).

Apart from the import itself so that both paths — the ORM one (importing.py) and the set-based one
(fastpath.py) — can fill the same record without importing each other.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Counts:
    accepted: int = 0
    rejected: int = 0
    unchanged: int = 0
    matched: int = 0
    leads_raised: int = 0
    evidence_added: int = 0
    kept_on_file: int = 0
    people_created: int = 0
    transfer_out: int = 0
    unmatched: int = 0
