"""Reports from the public and volunteers (群众/志愿者求助): the page without a login, its posters, and the township's
handling (accept into a lead, or reject with a reason)."""
