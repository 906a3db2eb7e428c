"""Leads logged by hand: the assistant's form, the hotline, the township's inbox (DESIGN §5).
The lead and its rules are cases' (``cases.services.lead_report``); this part is the way in."""
