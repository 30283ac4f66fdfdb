# The intranet's commands. `make run` and `make test` work on a fresh clone with Python 3.11.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# One stable id per host: a restarted worker then re-queues what its killed predecessor left.
WORKER_ID ?= $(shell hostname 2>/dev/null || echo host)-worker

.PHONY: install run test test-fast lint format serve worker bench messages clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

run: install
	DEBUG=true $(PY) manage.py migrate --noinput
	@if [ ! -f var/.demo-seeded ]; then DEBUG=true $(PY) manage.py seed_demo && touch var/.demo-seeded; fi
	DEBUG=true $(PY) manage.py update_index >/dev/null
	@echo ""
	@echo "  Intranet on http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password: intranet-demo): anna (site admin), ben, clara, david, emma, felix"
	@echo ""
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

# The suite runs in parallel, one process per core (pytest-xdist); each process has its own
# test database and every test its own search index. TEST_WORKERS=0 runs it in one process.
# Idle workers take tests from busy ones (worksteal), so the slow browser walks near the end
# do not leave one core waiting.
TEST_WORKERS ?= auto

test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not e2e" -x $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Production-style stack on this machine: gunicorn (2 workers, gunicorn.conf.py) and the task
# worker side by side, DEBUG off, static files collected and served by whitenoise, uploaded
# files only through the access-checking view (intranet/files.py), which sends them itself
# (django-sendfile2's "simple" backend; behind nginx use SENDFILE_BACKEND=nginx). SQLite in
# var/ unless DATABASE_URL is set; the secret key is made once in var/secret-key unless
# SECRET_KEY is set. Ctrl-C stops both processes.
# Behind a TLS proxy (SECURE_PROXY=true) the HTTPS settings stay on; on plain loopback HTTP
# they are switched off, since the browser could never send the secure cookies back.
SERVE_HTTP_ENV = $(if $(filter true,$(SECURE_PROXY)),,SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0)
SERVE_ENV = DEBUG=false TASK_BACKEND=database $(SERVE_HTTP_ENV) \
	SENDFILE_BACKEND=$${SENDFILE_BACKEND:-simple} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret-key)}" HOST=$(HOST) PORT=$(PORT)

var/secret-key:
	@mkdir -p var
	@umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

serve: install var/secret-key
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v0
	@echo ""
	@echo "  Intranet (production-style) on http://$(HOST):$(PORT)/  -  Ctrl-C stops it"
	@echo ""
	@$(SERVE_ENV) bash -c '\
	  $(PY) manage.py shell -v0 -c "from intranet.tasks import requeue_abandoned_tasks as r; r(\"$(WORKER_ID)\")"; \
	  $(PY) manage.py db_worker --no-reload --worker-id "$(WORKER_ID)" & worker=$$!; \
	  $(VENV)/bin/gunicorn -c gunicorn.conf.py & web=$$!; \
	  trap "kill -TERM $$web $$worker 2>/dev/null; wait $$web $$worker" INT TERM; \
	  wait -n $$web $$worker; kill -TERM $$web $$worker 2>/dev/null; wait'

# The task worker alone (a second process or host next to gunicorn in production).
worker: install
	$(PY) manage.py shell -v0 -c 'from intranet.tasks import requeue_abandoned_tasks as r; r("$(WORKER_ID)")'
	$(PY) manage.py db_worker --no-reload --worker-id "$(WORKER_ID)"

# Seeds a scale data set in its own directory and prints server times, queries, throughput,
# memory and index speed. BENCH_ARGS="--docs 100000" for the large run.
bench: install
	$(PY) -m bench $(BENCH_ARGS)

messages: install
	cd intranet && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) var
