# The two README commands: `make` (set up + answer a sample question on the bundled minutes)
# and `make test`. Both create .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
QUESTION ?= hvad besluttede vi om telefontider?

.PHONY: demo test test-fast bench bench-scale clean
demo: $(VENV)/.installed
	$(BIN)/beslut ingest
	$(BIN)/beslut meetings
	$(BIN)/beslut ask "$(QUESTION)"

test: $(VENV)/.installed
	$(BIN)/python -m pytest -q

test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -q -m "not slow"

bench: $(VENV)/.installed
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.quality
	$(BIN)/python -m bench.small_stores
	$(BIN)/python -m bench.paraphrase_ranking
	$(BIN)/python -m bench.adapt
	$(BIN)/python -m bench.sync
	$(BIN)/python -m bench.service

# 100k and 1M synthetic punkter with a tiny model (about half an hour; the stores are kept in data/bench/scale/)
bench-scale: $(VENV)/.installed
	nice -n 10 $(BIN)/python -m bench.scale

# torch first and pinned: 2.13.0 is a CPU wheel on these machines; anything else pulls CUDA.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install -q --disable-pip-version-check -e ".[dev]"
	touch $@

clean:
	rm -rf $(VENV) data/beslut.db* data/index data/models
