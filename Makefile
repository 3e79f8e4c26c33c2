# The template's own commands. `make demo` and `make test` need only Python, make and git:
# uv is installed into build/tools when it is not on the PATH.
.DEFAULT_GOAL := help
PYTHON ?= python3
TOOLS := build/tools
# An absolute path: make matches a prerequisite to a rule's target by its exact text.
UV_BOOTSTRAP := $(CURDIR)/$(TOOLS)/bin/uv
UV := $(shell command -v uv 2>/dev/null || echo $(UV_BOOTSTRAP))
# The tests read UV to install baked projects; uv must use the installed Python, never download one.
export UV
export UV_PYTHON_DOWNLOADS := never
export MLFLOW_DISABLE_TELEMETRY := true
DEMO_ROOT ?= build/demo
DEMO := $(DEMO_ROOT)/customer-churn

.PHONY: help demo test lint bake

help: ## List the targets with what they do
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-8s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(UV_BOOTSTRAP):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv

.venv: pyproject.toml $(UV)
	$(UV) sync --python $(PYTHON)
	@touch .venv

demo: .venv ## Bake the default project into build/demo/ and run its whole workflow
	rm -rf $(DEMO_ROOT)
	$(UV) run cookiecutter --no-input --output-dir $(DEMO_ROOT) .
	$(MAKE) -C $(DEMO) install pipeline UV=$(UV)
	@echo
	@echo "The demo project is in $(DEMO):"
	@echo "  raw data:         $(DEMO)/data/raw/customers.csv"
	@echo "  clean data:       $(DEMO)/data/processed/customers.parquet"
	@echo "  quality reports:  $(DEMO)/reports/data_quality_raw.md, $(DEMO)/reports/data_quality.md"
	@echo "  cleaning report:  $(DEMO)/reports/cleaning.json"
	@echo "  exploration:      $(DEMO)/reports/eda.md, $(DEMO)/reports/figures/eda/"
	@echo "  model card:       $(DEMO)/reports/model_card.md"
	@echo "  test metrics:     $(DEMO)/reports/metrics.json, $(DEMO)/reports/figures/evaluation/"
	@echo "  promotion gate:   $(DEMO)/reports/promotion.json"
	@echo "  tracking store:   $(DEMO)/mlflow.db"
	@echo "Next: cd $(DEMO) && make help"

# Two workers, each taking whole test files (a file's tests share one bake): the tutorial's
# chapters, the longest chain, run on one while the other files run beside it. (Three were
# slower here: the machine has two cores, and the third worker's CPU comes out of theirs.)
TEST_WORKERS ?= 2
test: .venv ## Run the template's test suite (bakes projects, installs one and runs its workflow)
	$(UV) run pytest --numprocesses $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

lint: .venv ## Lint the hooks and the template tests
	$(UV) run ruff check hooks tests
	$(UV) run ruff format --check hooks tests

bake: .venv ## Bake the default project into build/dev/ (for template development)
	rm -rf build/dev
	$(UV) run cookiecutter --no-input --output-dir build/dev .
