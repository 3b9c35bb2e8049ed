# Partnership Strategy Review. `make help` lists the targets; each is a thin wrapper over the
# `reviewkit` command line (on Windows use `python -m reviewkit ...`, see README.md).

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PY      = $(BIN)/python
PARAMS ?= params/example.yaml
DEMO    = data/raw/demo
SCALE  ?= partnership force

.DEFAULT_GOAL := help
.PHONY: help setup review test lint lab clean lock bench

help: ## list the targets
	@grep -hE '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

setup: $(VENV)/.installed ## create .venv (standard venv + pip) from the pinned lock

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (reviewkit)" >/dev/null
	@# nbstripout: outputs and papermill's run metadata go; cell tags and the kernel name stay
	-@git rev-parse --git-dir >/dev/null 2>&1 && $(BIN)/nbstripout --install --keep-id && \
		git config filter.nbstripout.extrakeys "metadata.papermill cell.metadata.papermill"
	@touch $@

$(DEMO)/police_uk: | $(VENV)/.installed
	$(PY) -m reviewkit sample $(DEMO) --force

review: setup $(DEMO)/police_uk ## run the demo review cycle (params/example.yaml)
	$(PY) -m reviewkit run $(PARAMS) --force

test: setup ## run the whole test suite
	$(PY) -m pytest

lint: setup ## check the code with ruff
	$(BIN)/ruff check lib tests

lab: setup ## open JupyterLab in this environment
	$(BIN)/jupyter lab

bench: setup $(DEMO)/police_uk ## speed and memory benchmarks (default partnership and force; SCALE=national too)
	@for scale in $(SCALE); do $(PY) -m reviewkit bench --scale $$scale || exit 1; done

lock: ## refresh requirements.lock from pyproject.toml in a fresh environment
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[dev]'
	@echo "# Exact versions installed by 'make setup'. Refresh with 'make lock'." > requirements.lock
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^reviewkit' >> requirements.lock
	rm -rf .venv-lock

clean: ## remove outputs, the demo data and caches (keeps .venv)
	rm -rf outputs/* $(DEMO) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	@touch outputs/.gitkeep
