# Relais — the two commands a newcomer needs are `make run` and `make test`.
# Each creates .venv and installs the project when pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint fmt bench asyncapi clean install up down

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v chromium >/dev/null || apt-get install -y chromium >/dev/null 2>&1 || \
		echo "note: Debian's chromium is missing and could not be installed (browser tests need it)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/relais run

up: $(STAMP)
	$(VENV)/bin/relais up

down: $(STAMP)
	$(VENV)/bin/relais down

test: $(STAMP)
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null || \
		{ echo "wrk is needed (Debian package wrk)"; exit 1; }
	$(PY) -m bench

asyncapi: $(STAMP)
	$(VENV)/bin/relais asyncapi --output contracts/asyncapi.yaml
	$(VENV)/bin/relais rabbitmq-definitions
	$(VENV)/bin/relais k8s-manifests

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
