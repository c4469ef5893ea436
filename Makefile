# Two commands on a fresh machine: `make run` (demo on SQLite) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
DEMO_ENV := DEBUG=1

.PHONY: install run serve lint test worker beat bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_regions
	$(DEMO_ENV) $(PY) manage.py seed_demo
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .

test: install
	SECRET_KEY=$${SECRET_KEY:-test-only-secret-key} $(PY) -m pytest $(PYTEST_ARGS)

# Datasets of 10k/100k/1M tasks on PostgreSQL (DATABASE_URL), figures into docs/BENCHMARKS.md. BENCH_ARGS="--json --sizes 10000".
bench: install
	@command -v wrk >/dev/null || { echo "make bench needs wrk (the HTTP load generator): apt-get install -y wrk" >&2; exit 1; }
	SECRET_KEY=$${SECRET_KEY:-benchmark-only-secret-key} $(PY) -m benchmarks $(BENCH_ARGS)

worker: install
	$(VENV)/bin/celery -A config worker -l info

beat: install
	$(VENV)/bin/celery -A config beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
