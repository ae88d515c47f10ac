# The two set-up commands are `make run` and `make test`; everything else is optional.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432

.PHONY: run test lint openapi bench eval eval-splink fuzz chaos clean-venv

$(VENV)/bin/python:
	python3 -m venv $(VENV)

$(VENV)/.runtime: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@ $(VENV)/.runtime

## run: install into .venv if needed, migrate, serve on HOST:PORT (SQLite unless LEADGATE_DATABASE_URL is set)
run: $(VENV)/.runtime
	$(VENV)/bin/leadgate serve --host $(HOST) --port $(PORT)

## test: the whole suite, against SQLite and PostgreSQL (started here if it is down)
test: $(VENV)/.dev
	@command -v pg_isready >/dev/null && ! pg_isready -q -h $(PG_HOST) -p $(PG_PORT) \
		&& command -v pg_ctlcluster >/dev/null \
		&& pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start || true
	@$(MAKE) --no-print-directory browser \
		|| echo "warning: Chromium could not be installed: the console's browser tests skip (and fail under CI=true)"
	$(PY) -m pytest

## lint: ruff, mypy and the import layers
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check app tests
	$(VENV)/bin/ruff format --check app tests
	$(VENV)/bin/mypy app
	$(VENV)/bin/lint-imports

## bench: pytest-benchmark figures of the hot paths, then the load test (load_tests/run.py:
##        leadgate beside a bare FastAPI app on a 10k and a 1M-lead PostgreSQL index, seeded
##        on first use) -> load_tests/RESULTS.md. BENCH_ARGS=--quick for a short run.
bench: $(VENV)/.dev
	$(PY) -m pytest load_tests -p no:cacheprovider --benchmark-enable --benchmark-columns=min,median,mean,ops \
		-o python_files='bench_*.py'
	$(PY) -m load_tests.run $(BENCH_ARGS)

## eval: matching precision, recall and F1 on FEBRL 1-3 and generated leads -> eval-results.json
##       (with Splink's figures beside them when the `splink` extra is installed)
eval: $(VENV)/.dev
	$(PY) -m app.evaluation.run --out eval-results.json

## eval-splink: install the optional `splink` extra (Splink, DuckDB) into .venv, then make eval
eval-splink: $(VENV)/.dev
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,splink]'
	@$(MAKE) --no-print-directory eval

## fuzz: the long schemathesis run (FUZZ_EXAMPLES cases per operation and mode, random), both databases
FUZZ_EXAMPLES ?= 200
## chaos: the long outage and race run (CHAOS_REQUESTS before and after the cut, RACE_ROUNDS rounds)
CHAOS_REQUESTS ?= 2000
RACE_ROUNDS ?= 200
chaos: $(VENV)/.dev
	LEADGATE_CHAOS_REQUESTS=$(CHAOS_REQUESTS) LEADGATE_RACE_ROUNDS=$(RACE_ROUNDS) \
		$(PY) -m pytest tests/hardening/test_faults.py -p no:cacheprovider -s

fuzz: $(VENV)/.dev
	LEADGATE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/hardening/test_fuzz.py -p no:cacheprovider -s

## openapi: regenerate openapi/openapi.json from the app
openapi: $(VENV)/.runtime
	$(VENV)/bin/leadgate openapi --out openapi/openapi.json

clean-venv:
	rm -rf $(VENV)

## browser: Debian's Chromium and CJK fonts for the console's browser tests (needs root), if missing
.PHONY: browser
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-noto-cjk; }
