"""Concentrated screenings (集中排查, seed 000; issue 17 rule 6): the district declares an area, a reason and a period;
every key-roster person and every flagged household in it is visited in time (``obligations``)."""
