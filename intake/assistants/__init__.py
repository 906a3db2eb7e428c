"""Village assistants (社会救助协理员, issue 17 rule 2): who is appointed in which village, their trainings, and the
villages without one."""
