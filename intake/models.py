"""Models arrive with this app's issue (DESIGN §13)."""
