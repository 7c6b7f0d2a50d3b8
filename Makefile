# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
# pytest-xdist workers of `make test` (one per core; each its own test database): PYTEST_WORKERS=0
# runs in one process, e.g. for --pdb. PYTEST_ARGS adds options, e.g. PYTEST_ARGS='-m "not browser"'.
# --dist worksteal: each worker starts on a contiguous half of the tests (a module's tests stay
# together, so its module fixtures are built once) and an idle worker takes tests from the other's
# queue, so no worker waits at the end while the other still has a queue (docs/testing.md).
PYTEST_WORKERS ?= auto

.PHONY: run test venv setup-data lint format messages clean loadtest bench screenshots

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) が見つかりません (Python 3.11 が必要です)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

venv: $(VENV)/.installed

setup-data: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference
	$(PY) manage.py load_demo

# The demo runs as of a day inside Phase II, so that its FY2006–2010 deadlines read as they would
# have then (every page says 「デモ：2009年7月1日時点」); PDCA_TODAY= runs on the real date.
PDCA_TODAY ?= 2009-07-01

run: setup-data
	PDCA_TODAY=$(PDCA_TODAY) $(PY) manage.py runserver $(HOST):$(PORT)

test: venv
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Update the English catalogue from the code (needs GNU gettext), then compile it with polib.
messages: venv
	$(PY) manage.py makemessages -l en --no-location --no-obsolete --ignore=.venv --ignore=tests --ignore=test-artifacts
	$(PY) -c "import polib; p = 'locale/en/LC_MESSAGES/django'; polib.pofile(p + '.po').save_as_mofile(p + '.mo')"

# 50 users for 60 s against gunicorn and a throw-away PostgreSQL on 127.0.0.1 (docs/benchmarks.md).
loadtest: venv
	$(PY) -m pip install --quiet -e ".[dev,load]"
	bash loadtest/run.sh

# Synthetic data at 19 and 2,000 projects on SQLite and PostgreSQL, then `manage.py bench` on each
# (docs/benchmarks.md). About an hour on 2 cores; BENCH_PROJECTS=200 for a quick look.
bench: venv
	bash loadtest/bench.sh

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts

# The PNGs of docs/screenshots.md, from the demo data on a throw-away SQLite database, Chromium and
# LibreOffice headless (apt-get install -y chromium libreoffice-calc-nogui poppler-utils; local only, not in CI).
screenshots: venv
	$(PY) scripts/screenshots.py
