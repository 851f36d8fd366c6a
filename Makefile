# gd-tutor: `make run` starts it, `make test` checks it. Both create .venv when missing.
# Installs are pinned by constraints.txt and redone only when it or pyproject.toml changes.

# The newest of these that runs and is 3.11 or later. Each one is run, not just looked up:
# pyenv puts shims on PATH for versions it has but has not selected, and those fail.
PYTHON_CANDIDATES := python3.13 python3.12 python3.11 python3
PYTHON ?= $(shell for p in $(PYTHON_CANDIDATES); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; \
	done)
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
PIP_INSTALL := $(PIP) install --quiet --constraint constraints.txt
# torch's CPU build (no CUDA libraries) from PyTorch's own index; empty: torch from PyPI.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
IMAGE ?= gd-tutor:latest
ARGS ?=
# e.g. make test PYTEST_ARGS="-x tests/test_console.py"
PYTEST_ARGS ?=
# docker when its engine answers, else podman (this machine has only docker's client).
ENGINE ?= $(shell docker info >/dev/null 2>&1 && echo docker || (command -v podman >/dev/null 2>&1 && echo podman || echo docker))

.PHONY: run test lint format bench image install install-test constraints clean

run: $(VENV)/.installed ## Start the bot (DISCORD_TOKEN set, e.g. in .env) or else the console.
	@set -a; [ ! -f .env ] || . ./.env; set +a; \
	if [ -n "$${DISCORD_TOKEN:-}" ]; then \
		exec $(BIN)/python -m bot $(ARGS); \
	else \
		echo "DISCORD_TOKEN is not set: starting the console (python -m bot --console)." >&2; \
		exec $(BIN)/python -m bot --console $(ARGS); \
	fi

test: $(VENV)/.installed-test ## Run the test suite (the command CI runs).
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test ## ruff, ruff format --check and mypy.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy solver bot

format: $(VENV)/.installed-test ## Apply ruff's fixes and formatting.
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.installed-test ## Run every bench/*.py in turn.
	@set -e; for f in bench/*.py; do \
		[ -e "$$f" ] || { echo "no bench/*.py" >&2; exit 1; }; \
		echo "== $$f"; $(BIN)/python "$$f"; \
	done

image: ## Build the container image (docker, or podman where docker has no engine).
	$(ENGINE) build -t $(IMAGE) .

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(BIN)/python:
	@py='$(PYTHON)'; fix="install Python 3.11, 3.12 or 3.13, or run make PYTHON=/path/to/python3.x"; \
	if [ -z "$$py" ]; then \
		echo "make: no Python 3.11 or later found (tried $(PYTHON_CANDIDATES)): $$fix" >&2; exit 1; \
	elif ! "$$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then \
		echo "make: PYTHON=$$py is not a working Python 3.11 or later: $$fix" >&2; exit 1; \
	fi; \
	echo "$$py -m venv $(VENV)"; "$$py" -m venv $(VENV)

$(VENV)/.torch: $(BIN)/python constraints.txt
	$(if $(TORCH_INDEX),$(PIP_INSTALL) --retries 1 --no-deps --index-url $(TORCH_INDEX) torch)
	@touch $@

$(VENV)/.installed: $(VENV)/.torch pyproject.toml constraints.txt
	$(PIP_INSTALL) --editable .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.torch pyproject.toml constraints.txt
	$(PIP_INSTALL) --editable ".[test]"
	@touch $@ $(VENV)/.installed

constraints: $(VENV)/.installed-test ## Rewrite constraints.txt from what .venv has.
	@{ echo "# Every version CI and the image install, from \`make constraints\` (pip freeze of .venv)."; \
	  echo "# torch is pinned without its local label: 2.13.0 matches the CPU build (2.13.0+cpu)."; \
	  $(PIP) freeze --all --exclude-editable | grep -v -i -E '^(pip|gd-tutor|gd_tutor)==' \
	    | sed -E 's/^torch==([^+]*)\+.*/torch==\1/'; \
	  grep -E '^# Only where|^[^#].*;' constraints.txt || true; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean: ## Remove caches and build leftovers (keeps .venv and data/).
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist *.egg-info
