# governance — set up, serve, test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | sha256sum | cut -c1-12)
FLASK := $(BIN)/flask --app governance

.PHONY: run test install lint translations bench-charts bench-load clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Written once, by the first `make run`. A fresh demo database also gets the demo's clock: the afternoon of
# 30 November 2017 in Lelystad, running on from the moment these lines were written (see the README).
instance/config.py:
	mkdir -p instance
	printf '# Local development settings (not in git).\nSECRET_KEY = "%s"\n# The development server speaks plain http.\nSESSION_COOKIE_SECURE = False\nREMEMBER_COOKIE_SECURE = False\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_hex(32))')" > instance/config.py.new
	if [ -z "$$FLASK_SQLALCHEMY_DATABASE_URI" ] && [ ! -e instance/governance.sqlite ]; then \
	  printf '# The demo replays the afternoon of 30 November 2017; delete these two lines (or set CLOCK_NOW = None)\n# to leave the demo time.\nCLOCK_NOW = "2017-11-30T15:00:00+01:00"\nCLOCK_NOW_SET_AT = "%s"\n' "$$($(PYTHON) -c 'import datetime as d; print(d.datetime.now(d.timezone.utc).isoformat(timespec="seconds"))')" >> instance/config.py.new; \
	fi
	mv instance/config.py.new instance/config.py

## make run: install, create or upgrade the database, load the demo once, serve on http://127.0.0.1:5000
run: $(STAMP) instance/config.py
	$(FLASK) init-db
	@if $(FLASK) cities-count | grep -qx 0; then $(FLASK) seed-demo > /dev/null; fi
	@cat instance/demo-logins.txt 2>/dev/null || true
	@echo "Serving on http://127.0.0.1:5000"
	$(FLASK) run --host 127.0.0.1 --port 5000

## make test: install the test extra and run the whole suite
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check governance tests

## extract new strings into the Dutch catalog and compile it; translate in
## governance/translations/nl/LC_MESSAGES/messages.po, then run it again
translations: $(STAMP)
	$(BIN)/pybabel extract -F governance/babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o governance/translations/messages.pot .
	$(BIN)/pybabel update -i governance/translations/messages.pot -d governance/translations --ignore-obsolete
	$(BIN)/pybabel compile -d governance/translations

bench-charts: $(STAMP)
	$(BIN)/python bench/charts/run.py

bench-load: $(STAMP)
	$(BIN)/python bench/load/run.py

clean:
	rm -rf $(VENV) .pytest_cache
