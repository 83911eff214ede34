# TTXD — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
DBURL = $${DATABASE_URL:-$$(cat var/database_url)}

.PHONY: run test lint format bench stop setup-run setup-test setup-bench messages

run: setup-run
	@DATABASE_URL=$(DBURL) $(PY) manage.py demo_logins
	@echo "TTXD is at http://127.0.0.1:8000  (admin: http://127.0.0.1:8000/admin/, API: http://127.0.0.1:8000/api/docs/)"
	@# The scheduler (deadline scan, …) runs beside the server and stops with it.
	@export DATABASE_URL=$(DBURL); $(PY) manage.py run_scheduler & scheduler=$$!; \
	  trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT INT TERM; \
	  DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:8000

test: setup-test
	@$(MAKE) --no-print-directory lint
	@DATABASE_URL=$(DBURL) $(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

lint:
	@echo "==> ruff"; .venv/bin/ruff check . && .venv/bin/ruff format --check .
	@echo "==> import contracts"; .venv/bin/lint-imports --no-cache
	@echo "==> mypy"; DATABASE_URL=postgis://lint@127.0.0.1/lint .venv/bin/mypy gis backend

format:
	@.venv/bin/ruff check --fix . ; .venv/bin/ruff format .

bench: setup-bench
	@DATABASE_URL=$(DBURL) $(PY) -m bench

stop:
	@.ci/pg.sh stop

# Refresh backend/locale/vi after changing user-facing text (msgids are English;
# tests/test_translations.py fails while a Vietnamese entry is missing).
MSG_IGNORE := --ignore=.venv --ignore='frontend/node_modules/*' --ignore='var/*' --ignore='staticfiles/*' --ignore='tests/*' --ignore='bench/*'
messages:
	@$(PY) manage.py makemessages -l vi --no-obsolete $(MSG_IGNORE)
	@$(PY) manage.py makemessages -d djangojs -l vi --no-obsolete $(MSG_IGNORE)
	@$(PY) manage.py compilemessages --ignore=.venv --ignore='frontend/node_modules/*' -v 0

setup-run:
	@.ci/setup.sh run

setup-test:
	@.ci/setup.sh test

setup-bench:
	@.ci/setup.sh bench
