"""What every bench module returns, so `bench/run.py` can print one table (DESIGN §10).

A bench module ``bench/<area>.py`` exposes::

    def run(ctx: Context) -> list[Figure]

``run`` is called with Django already set up against ``ctx.database_url``, a PostgreSQL database that
holds the bench dataset (``bench/dataset.py``: 1,000,000 people and 1,000,000 leads spread over a year,
unless ``ctx.quick``). A module measures its figure and, in the same run, the baseline it is judged
against, and returns both as ``Figure`` rows. Each module also keeps a ``main()`` so it can be run alone.
"""
from __future__ import annotations

import resource
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Context:
    database_url: str
    tmpdir: Path
    quick: bool = False  # small sizes, for a smoke run of the bench itself
    notes: list[str] = field(default_factory=list)


@dataclass
class Figure:
    name: str                      # what was measured, e.g. "明细表 export, 100,000 rows"
    value: float
    unit: str = "s"
    baseline_name: str = ""        # e.g. "bare xlsxwriter (constant_memory)"
    baseline_value: float | None = None
    target: str = ""               # e.g. "≤ 1.5× baseline, < 200 MB RSS"
    met: bool | None = None        # None: no target for this row

    @property
    def ratio(self) -> float | None:
        if self.baseline_value in (None, 0):
            return None
        return self.value / self.baseline_value


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MB.

    Read from ``VmHWM`` in /proc: ``ru_maxrss`` would carry a large parent's peak over into a child
    started by fork + exec, so a small export measured in a subprocess would look as big as its parent.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def format_table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "baseline", "ratio", "target", "met")]
    for f in figures:
        base = f"{f.baseline_name} {f.baseline_value:.3g} {f.unit}" if f.baseline_value is not None else ""
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else ""
        met = {True: "yes", False: "NO", None: ""}[f.met]
        rows.append((f.name, f"{f.value:.3g} {f.unit}", base, ratio, f.target, met))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows)
