"""The dashboard (驾驶舱): feed punctuality and response times, for the district and its townships."""
