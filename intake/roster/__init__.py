"""The key-population roster (重点人群花名册): who is on it, how often they are visited (seeds 001, 002), the visits,
severe-weather periods, and the roster-visit deadline (``obligations``)."""
