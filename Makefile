# The two commands: `make run` (try it) and `make test` (the whole suite).
# Everything is installed into .venv from pinned requirements; nothing is assumed on the machine
# except python3 (3.11). `make test` also installs Debian's chromium, a CJK font and gettext when missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/jiuzhu
TEST_REDIS_URL    ?= redis://127.0.0.1:6379/0
# In parallel on the two cores the machine gives (pytest-xdist): each worker its own test database
# (test_jiuzhu_gw0…), cache key prefix and Celery queue (config/test_settings.py); the browser journeys
# share one worker (xdist_group "browser"). Override, e.g. `make test PYTEST_ARGS="tests/cases -x"`.
PYTEST_ARGS       ?= -n 2 --dist loadgroup

.PHONY: run test install install-dev system-deps check-services messages bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate, load the demo district when the database is empty, serve on http://127.0.0.1:8000
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@if [ -n "$$REDIS_URL" ]; then \
	  echo "REDIS_URL is set: starting a Celery worker and beat beside the server"; \
	  $(BIN)/celery -A config worker --loglevel=INFO --concurrency=2 & \
	  $(BIN)/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule & \
	  trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py runserver $(HOST):$(PORT); \
	else \
	  echo "No DATABASE_URL/REDIS_URL: SQLite in var/ and Celery tasks run in-process"; \
	  $(PY) manage.py runserver $(HOST):$(PORT); \
	fi

## system-deps: Debian packages the tests need (browser journeys, CJK font, gettext)
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing="$$missing fonts-wqy-microhei"; \
	command -v xgettext >/dev/null 2>&1 || missing="$$missing gettext"; \
	command -v pg_dump >/dev/null 2>&1 || missing="$$missing postgresql-client"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## check-services: PostgreSQL and Redis must answer; say how to start them when they do not
check-services: install-dev
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) scripts/check_services.py

## test: install and run the whole suite against PostgreSQL and Redis, in parallel (PYTEST_ARGS)
test: install-dev system-deps check-services
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=node_modules >/dev/null
	$(BIN)/lint-imports --no-cache
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest $(PYTEST_ARGS)

## messages: refresh the zh_Hans catalogue from the code and compile it
messages: install-dev
	$(PY) manage.py makemessages -l zh_Hans --no-location --ignore=.venv --ignore=static --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

## bench: the performance figures of DESIGN §10 (see bench/README.md); BENCH_ARGS=--quick for a smoke run
bench: install-dev check-services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
