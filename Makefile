# Partnership Strategy Review. `make help` lists the targets; each is a thin wrapper over the
# `reviewkit` command line (on Windows use `python -m reviewkit ...`, see README.md).

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PY      = $(BIN)/python
PARAMS ?= params/example.yaml
DEMO    = data/raw/demo
# The demo data's version: raise it when the generator writes new files, so that a clone with
# demo data from an older version generates it again (its inputs would be missing otherwise).
DEMO_DATA = $(DEMO)/.generated-3
SCALE  ?= partnership force
RUNS   ?= 3
INSTALLER ?= uv
LAB_PORT ?= 8888

.DEFAULT_GOAL := help
.PHONY: help setup setup-dev review test test-fast test-portable test-upgrade lint lab clean lock bench

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

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

# stripping.py holds the keys `reviewkit setup` writes into git's nbstripout filter: a change to
# it sets the filter again.
$(VENV)/.installed: requirements.lock pyproject.toml lib/reviewkit/run/stripping.py
	$(PYTHON) -m venv $(VENV)
	@[ "$(INSTALLER)" != uv ] || $(PY) -m pip install --quiet uv >/dev/null 2>&1 \
		|| echo "uv could not be installed: installing with pip (slower)"
	$(call install,-r requirements.lock)
	$(call install,--no-deps -e .)
	@# the kernel "Python 3 (reviewkit)", nbstripout (outputs and the metadata keys listed in
	@# lib/reviewkit/run/stripping.py go, as JupyterLab's save hook and the pre-commit hook
	@# strip them; cell tags and the kernel name stay) and JupyterLab's settings: the same
	@# command the README gives for installing without make
	$(PY) -m reviewkit setup
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(call install,-r requirements-dev.lock)
	@# git blame looks through commits that only reformat code (.git-blame-ignore-revs)
	-@git rev-parse --git-dir >/dev/null 2>&1 && git config blame.ignoreRevsFile .git-blame-ignore-revs
	@touch $@

$(DEMO_DATA): | $(VENV)/.installed
	$(PY) -m reviewkit sample $(DEMO) --force
	@touch $@

review: setup $(DEMO_DATA) ## run the demo review cycle (params/example.yaml)
	$(PY) -m reviewkit run $(PARAMS) --force

# The tests run on every core, up to four (pytest-xdist); a module whose tests share a slow
# fixture stays on one worker (ONE_WORKER in tests/conftest.py). TEST_JOBS=0: one process.
TEST_JOBS ?= auto
XDIST = -n $(TEST_JOBS) --maxprocesses 4 --dist loadgroup

test: setup-dev ## run the whole test suite (what CI runs), on every core
	$(PY) -m pytest $(XDIST) --durations=10

test-fast: setup-dev ## unit and property tests only, under a minute: no end-to-end runs, no browser
	$(PY) -m pytest $(XDIST) -m "not e2e and not browser" -q

# The route Windows and macOS take, on this system: the platform seam's tests, then every
# end-to-end test (a batch of two partnerships with PDFs among them); JupyterLab's are left out.
test-portable: setup-dev ## the end-to-end tests on the route Windows and macOS take (REVIEWKIT_PORTABLE=1)
	REVIEWKIT_PORTABLE=1 $(PY) -m pytest $(XDIST) -q tests/test_platforms.py
	REVIEWKIT_PORTABLE=1 $(PY) -m pytest $(XDIST) -m "e2e and not lab" --durations=5

# The upgrade lane: the lock as ever, then the newest releases of the Jupyter libraries the
# runner plugs into (UPGRADE_PACKAGES), in a venv of its own (UPGRADE_VENV, made afresh each
# time; git ignores it); the kernel and end-to-end tests then run there. A release that breaks
# the runner's kernels, or quietly sends runs down the slower route, fails a test
# (tests/test_kernels.py) rather than slowing every run. Only the kernel spec is set up there:
# git's nbstripout filter and JupyterLab's settings stay .venv's.
UPGRADE_VENV ?= .venv-upgrade
UPGRADE_PACKAGES = papermill nbclient jupyter_client ipykernel ipython
UPY = $(UPGRADE_VENV)/bin/python
UPGRADE_INSTALL = $(if $(wildcard $(BIN)/uv),$(BIN)/uv pip install --quiet --compile-bytecode --python $(UPY),$(UPY) -m pip install --quiet)

test-upgrade: setup-dev ## the kernel and end-to-end tests with the newest papermill, nbclient, jupyter_client, ipykernel and IPython
	rm -rf $(UPGRADE_VENV)
	$(PYTHON) -m venv $(UPGRADE_VENV)
	$(UPGRADE_INSTALL) -r requirements-dev.lock
	$(UPGRADE_INSTALL) --no-deps -e .
	$(UPGRADE_INSTALL) --upgrade $(UPGRADE_PACKAGES)
	@$(UPY) -c "from importlib.metadata import version; print('upgrade lane:', ', '.join(f'{p} {version(p)}' for p in '$(UPGRADE_PACKAGES)'.split()))"
	$(UPY) -c "from reviewkit.run.lab import install_kernel; print('kernel spec:', install_kernel())"
	$(UPY) -m pytest $(XDIST) -q -m "not e2e" tests/test_kernels.py tests/test_engine.py
	$(UPY) -m pytest $(XDIST) -m "e2e and not lab" --durations=5

lint: setup-dev ## check the code: ruff (lint and format), and mypy on the library
	$(BIN)/ruff check lib tests
	$(BIN)/ruff format --check lib tests
	$(BIN)/mypy

lab: setup ## open JupyterLab in this environment (http://127.0.0.1:$(LAB_PORT); notebooks/explore.ipynb to start)
	$(PY) -m reviewkit lab --port $(LAB_PORT)

bench: setup $(DEMO_DATA) ## speed and memory against baselines, RUNS times each (default SCALE="partnership force"; national, setup too)
	$(PY) tests/benchmarks/bench.py --runs $(RUNS) $(SCALE)

# One lock for Linux, Windows and macOS (--universal: a package one system needs carries its
# marker, e.g. `colorama ; sys_platform == 'win32'`), resolved for every Python the project
# supports. The versions already locked are kept unless pyproject.toml needs others;
# `make lock UPGRADE=1` moves everything to the newest versions allowed.
UPGRADE ?=
LOCK = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --quiet --no-header \
	--no-annotate $(if $(UPGRADE),--upgrade,)

lock: setup ## refresh requirements.lock and requirements-dev.lock from pyproject.toml (needs uv; UPGRADE=1 for newest)
	@[ -x $(BIN)/uv ] || { echo "make lock needs uv in .venv ($(PY) -m pip install uv)"; exit 1; }
	grep -v '^#' requirements.lock > .lock-user.txt
	{ grep -v '^#' requirements.lock; grep -v -e '^#' -e '^-r ' requirements-dev.lock; } > .lock-all.txt
	$(LOCK) --extra pdf -o .lock-user.txt
	$(LOCK) --extra pdf --extra dev --constraint .lock-user.txt -o .lock-all.txt
	@{ echo "# Exact versions of what a user needs ('make setup', 'make review'), for Linux, Windows and"; \
	   echo "# macOS alike (markers say which system needs a package). Refresh with 'make lock'."; \
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
