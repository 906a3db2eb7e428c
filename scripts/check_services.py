"""Stop at once, with a clear message, when PostgreSQL or Redis is not reachable."""
import os
import sys
from urllib.parse import urlparse

problems = []
db = urlparse(os.environ["DATABASE_URL"])
try:
    import psycopg

    psycopg.connect(host=db.hostname or "127.0.0.1", port=db.port or 5432, user=db.username or "postgres",
                    password=db.password, dbname="postgres", connect_timeout=3).close()
except Exception as exc:  # noqa: BLE001
    problems.append(f"PostgreSQL at {db.hostname}:{db.port or 5432} is unreachable: {exc}\n"
                    "    start it:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start")
try:
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3).ping()
except Exception as exc:  # noqa: BLE001
    problems.append(f"Redis at {os.environ['REDIS_URL']} is unreachable: {exc}\n"
                    "    start it:  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no")
if problems:
    print("make test needs PostgreSQL and Redis; not running the suite:", file=sys.stderr)
    for p in problems:
        print("  - " + p, file=sys.stderr)
    sys.exit(1)
print("PostgreSQL and Redis are reachable.")
