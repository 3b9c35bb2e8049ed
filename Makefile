# Partnership Strategy Review. `make help` lists the targets; each is a thin wrapper over the
# `reviewkit` command line (on Windows use `python -m reviewkit ...`, see README.md).

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PY      = $(BIN)/python
PARAMS ?= params/example.yaml
DEMO    = data/raw/demo
SCALE  ?= partnership force
RUNS   ?= 3
INSTALLER ?= uv
LAB_PORT ?= 8888
NBSTRIP_KEYS = metadata.language_info metadata.papermill metadata.vscode metadata.toc \
	cell.metadata.papermill cell.metadata.jupyter cell.metadata.trusted
# JupyterLab refuses to start as root unless told; in a container the user often is root.
ALLOW_ROOT = $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)
# Notebooks under notebooks/ are saved as git keeps them (lib/reviewkit/run/labhooks.py).
LAB_FLAGS = --ContentsManager.pre_save_hook=reviewkit.run.labhooks.strip_on_save

.DEFAULT_GOAL := help
.PHONY: help setup setup-dev review test test-fast lint lab clean lock bench

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: $(VENV)/.installed ## create .venv from requirements.lock (what a user needs; uv where it can be had, else pip)

setup-dev: $(VENV)/.installed-dev ## add requirements-dev.lock (tests and development) to .venv

# Installs into .venv with uv when it can be installed from PyPI (several times faster), and with
# pip otherwise (or with INSTALLER=pip): the same lock either way. Both compile the packages'
# bytecode as they install (pip does by default): every process then starts from it, even where
# PYTHONDONTWRITEBYTECODE stops Python writing it at first import.
define install
	@if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install --quiet --compile-bytecode --python $(PY) $(1); \
	else $(PY) -m pip install --quiet $(1); fi
endef

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@[ "$(INSTALLER)" != uv ] || $(PY) -m pip install --quiet uv >/dev/null 2>&1 \
		|| echo "uv could not be installed: installing with pip (slower)"
	$(call install,-r requirements.lock)
	$(call install,--no-deps -e .)
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (reviewkit)" >/dev/null
	@# nbstripout: outputs, papermill's run metadata and what JupyterLab adds on save go; cell
	@# tags and the kernel name stay, cell ids are numbered 0, 1, 2... (the same every time).
	-@git rev-parse --git-dir >/dev/null 2>&1 && $(BIN)/nbstripout --install && \
		git config filter.nbstripout.extrakeys "$(NBSTRIP_KEYS)"
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(call install,-r requirements-dev.lock)
	@# git blame looks through commits that only reformat code (.git-blame-ignore-revs)
	-@git rev-parse --git-dir >/dev/null 2>&1 && git config blame.ignoreRevsFile .git-blame-ignore-revs
	@touch $@

$(DEMO)/police_uk: | $(VENV)/.installed
	$(PY) -m reviewkit sample $(DEMO) --force

review: setup $(DEMO)/police_uk ## run the demo review cycle (params/example.yaml)
	$(PY) -m reviewkit run $(PARAMS) --force

# The tests run on every core, up to four (pytest-xdist); a module whose tests share a slow
# fixture stays on one worker (ONE_WORKER in tests/conftest.py). TEST_JOBS=0: one process.
TEST_JOBS ?= auto
XDIST = -n $(TEST_JOBS) --maxprocesses 4 --dist loadgroup

test: setup-dev ## run the whole test suite (what CI runs), on every core
	$(PY) -m pytest $(XDIST) --durations=10

test-fast: setup-dev ## unit and property tests only, under a minute: no end-to-end runs, no browser
	$(PY) -m pytest $(XDIST) -m "not e2e and not browser" -q

lint: setup-dev ## check the code: ruff (lint and format), and mypy on the library
	$(BIN)/ruff check lib tests
	$(BIN)/ruff format --check lib tests
	$(BIN)/mypy

lab: setup ## open JupyterLab in this environment (http://127.0.0.1:$(LAB_PORT); notebooks/explore.ipynb to start)
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(LAB_PORT) $(LAB_FLAGS) $(ALLOW_ROOT)

bench: setup $(DEMO)/police_uk ## speed and memory against baselines, RUNS times each (default SCALE="partnership force"; national, setup too)
	$(PY) tests/benchmarks/bench.py --runs $(RUNS) $(SCALE)

lock: setup ## refresh requirements.lock and requirements-dev.lock from pyproject.toml (needs uv)
	@[ -x $(BIN)/uv ] || { echo "make lock needs uv in .venv ($(PY) -m pip install uv)"; exit 1; }
	$(BIN)/uv pip compile pyproject.toml --quiet --no-header --no-annotate --upgrade --extra pdf \
		-o .lock-user.txt
	$(BIN)/uv pip compile pyproject.toml --quiet --no-header --no-annotate --extra pdf --extra dev \
		--constraint .lock-user.txt -o .lock-all.txt
	@{ echo "# Exact versions of what a user needs ('make setup', 'make review'). Refresh with 'make lock'."; \
	   cat .lock-user.txt; } > requirements.lock
	@{ echo "# Exact versions of what tests and development add ('make test', 'make lint'). Refresh with"; \
	   echo "# 'make lock'."; echo "-r requirements.lock"; \
	   grep -vxF -f .lock-user.txt .lock-all.txt; } > requirements-dev.lock
	rm -f .lock-user.txt .lock-all.txt

clean: ## remove outputs, the demo data and caches (keeps .venv and outputs/receipts.csv)
	find outputs -mindepth 1 -maxdepth 1 ! -name receipts.csv ! -name .gitkeep -exec rm -rf {} +
	rm -rf $(DEMO) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	@touch outputs/.gitkeep
