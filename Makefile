# dispute-bot: `make run` starts the bot, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck install clean image-test bench bench-quick bench-draft bench-fanout catalogue

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,draft]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/dispute-bot run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/dispute-bot corpus check
	$(BIN)/pytest -q

# The sentence catalogue (docs/i18n.md): find the keys the code uses, add the new ones to every
# language's .po (empty, for someone to write), then compile the .mo files the bot reads.
# The tests fail while a sentence lacks a language or a compiled file is stale.
CATALOGUE := bot/i18n/locales
catalogue: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel -q extract -F pyproject.toml --no-default-keywords -k t -k nt:1,2 \
		--no-location --sort-output --omit-header -o build/dispute_bot.pot bot handlers
	$(BIN)/pybabel -q update -D dispute_bot -i build/dispute_bot.pot -d $(CATALOGUE) \
		--no-fuzzy-matching --ignore-pot-creation-date
	$(BIN)/pybabel compile -D dispute_bot -d $(CATALOGUE) --statistics

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Build the container image with buildah and smoke-test it (skips where buildah cannot run).
image-test:
	bash .ci/image-test.sh

# Issue 7's benchmark at 1,000 / 10,000 / 100,000 quotes (about 5 minutes on 2 cores, plus
# ~35 s the first time to generate the data; see docs/PERFORMANCE.md). Not part of
# `make test`. Results go to build/bench/.
bench: $(STAMP)
	PYTHONPATH=. $(BIN)/python -m bench.run

# The same, small (about 30 s, into build/bench/quick/): checks that the benchmark works.
bench-quick: $(STAMP)
	PYTHONPATH=. $(BIN)/python -m bench.run --quick

# Issue 13: `dispute-bot draft` against the seeds' entries, the development set, the
# held-out set and unseen sets 3 to 6 (quote P/R/F1 on exact spans, speakers, said_on, event
# dates; each set's misses quote by quote), and its speed
# (about 40 s; see docs/PERFORMANCE.md). Results also go to build/bench/draft.json.
bench-draft: $(STAMP)
	PYTHONPATH=. $(BIN)/python -m bench.measure_draft --json build/bench/draft.json

# Issue 14: 10,000 digests on the hour. Three `dispute-bot serve` replicas (Slack OAuth mode,
# 1,000 workspaces x 10 channels) share one PostgreSQL and post against the fleet's fake Slack,
# then again with one replica SIGKILLed halfway (about 6 minutes; see docs/PERFORMANCE.md).
# BENCH_DATABASE_URL names a PostgreSQL database of its own: the bot's tables there are
# dropped at each run. Not part of `make test`. Results go to build/bench/fanout.json.
bench-fanout: $(STAMP)
	PYTHONPATH=. $(BIN)/python -m bench.measure_fanout --runs plain,kill --json build/bench/fanout.json
