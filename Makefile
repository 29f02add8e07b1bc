# Begleiter: `make run` sets everything up and starts the app; `make test` sets everything up and runs
# the tests with the catalog gate and the import contract. Both create .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LANGS := de uk en
PYBABEL_KEYWORDS := --no-default-keywords -k _ -k N_ -k ngettext:1,2 -k pgettext:1c,2

.PHONY: run test setup catalogs catalogs-update catalogs-check lint-imports lint smoke build frozen-smoke zip install-desktop \
	bench kill-test demo clean

run: setup
	$(BIN)/begleiter

test: setup catalogs-check lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

setup: $(STAMP) catalogs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# .mo files are build outputs, compiled from the committed .po catalogs.
catalogs: $(STAMP)
	$(BIN)/pybabel compile -d translations -D desktop --statistics
	for ts in translations/qt/*.ts; do $(BIN)/pyside6-lrelease -silent "$$ts" -qm "$${ts%.ts}.qm" || exit 1; done

catalogs-update: $(STAMP)
	$(BIN)/pybabel extract $(PYBABEL_KEYWORDS) --sort-by-file --no-location --project=Begleiter \
		--copyright-holder="Begleiter contributors" -o translations/desktop.pot desktop
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date -i translations/desktop.pot -d translations -D desktop

catalogs-check: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel extract $(PYBABEL_KEYWORDS) --sort-by-file --no-location --project=Begleiter \
		-o build/desktop.pot desktop
	$(BIN)/pybabel update --check --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date -i build/desktop.pot -d translations -D desktop
	$(BIN)/python -m pytest -q tests/test_catalogs.py

lint-imports: $(STAMP)
	$(BIN)/lint-imports

lint: $(STAMP)
	$(BIN)/ruff check desktop tests

smoke: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/begleiter --smoke-test

bench: build
	$(BIN)/python -m tests.benchmarks $(BENCH_ARGS)

# 240 writing processes killed with SIGKILL at random moments; each must leave a profile that unlocks,
# holds every acknowledged change and passes its check (about 12 minutes).
kill-test: setup
	BEGLEITER_KILLS=240 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_kill.py -s

# The one-folder bundle dist/begleiter/ (windowed begleiter, console begleiter-cli); build.spec says what it
# leaves out. The icons in resources/icons are made by tools/make_icons.py and committed: a build does not draw them.
build: setup $(BIN)/pyinstaller
	$(BIN)/pyinstaller --noconfirm --clean build.spec

$(BIN)/pyinstaller: | $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[build]"

# The frozen programs as a volunteer runs them: a profile with demo people, the GUI's smoke test unlocking it,
# a rendered PDF, a bundle exported and imported into a second profile with the same digest (tools/frozen_smoke.py).
frozen-smoke: build
	$(PYTHON) tools/frozen_smoke.py dist/begleiter

# dist/Begleiter-<version>-<system>-<arch>.zip, the folder to hand out (tools/make_zip.py).
zip: build
	$(PYTHON) tools/make_zip.py

# This user's application menu, no administrator rights: Linux gets the icon and a desktop entry pointing at
# dist/begleiter/begleiter; macOS gets Begleiter.app in ~/Applications. Run `make build` first.
install-desktop:
	@if [ "$$(uname)" = Darwin ]; then \
		test -d dist/Begleiter.app || { echo "dist/Begleiter.app is missing: run make build" >&2; exit 1; }; \
		mkdir -p "$$HOME/Applications" && rm -rf "$$HOME/Applications/Begleiter.app" && \
		cp -R dist/Begleiter.app "$$HOME/Applications/" && echo "Begleiter is in $$HOME/Applications"; \
	else \
		sh resources/linux/install-desktop-entry.sh dist/begleiter; \
	fi

clean:
	rm -rf build dist .pytest_cache
