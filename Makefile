# The two entry points of the README: `make demo` and `make test`. Each sets up its own
# virtualenv in .venv from pyproject.toml the first time (and again when pyproject changes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EG := $(BIN)/ecosystem-graph
STAMP := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(open('pyproject.toml','rb').read()).hexdigest()[:12])")

.PHONY: demo demo-cordis test test-fast check setup lab clean vendor

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

# Build the seed graph, print its summary, run named queries, write the HTML views.
demo: $(STAMP)
	$(EG) build data --out build --format jsonld --format nt --format trig
	$(EG) stats
	$(EG) query --name meetings
	$(EG) query --name organizations-by-theme --param theme=blockchain
	$(EG) query --name organizations-in-city --param city=Peterborough
	$(EG) query --name contacts --param "organization=London & Partners"
	$(EG) query --name theme-landscape
	$(EG) analyze centrality --top 5
	$(EG) analyze suggest --organization "Opportunity Peterborough" --top 3
	$(EG) view --out build/views/ecosystem.html
	$(EG) view --mode entities --out build/views/entities.html
	$(EG) view --focus "Cluster Sofia Knowledge City" --depth 1 --out build/views/kc-sofia.html
	$(EG) view --theme "smart cities" --out build/views/theme-smart-cities.html
	$(EG) view --visit uk-2018 --out build/views/visit-uk-2018.html
	$(EG) site --out build/site
	@echo "Open build/views/ecosystem.html or build/site/index.html in a browser (they work offline)."

# The second example, real: EU Horizon 2020 participations from CORDIS (CC BY 4.0, European
# Commission), imported with examples/cordis-h2020/mapping.yaml, built on the default path (its
# files and the store build/store that reading commands use),
# queried, analysed and drawn. About five minutes on 2 cores; the import reports the unplaced.
CORDIS := build/cordis
CORDIS_GRAPH := --data $(CORDIS)/data --build-dir $(CORDIS)/build
demo-cordis: $(STAMP)
	$(EG) import examples/cordis-h2020 --mapping examples/cordis-h2020/mapping.yaml --out $(CORDIS)/data --report $(CORDIS)/import-report.json
	$(EG) build $(CORDIS)/data --out $(CORDIS)/build
	$(EG) stats $(CORDIS_GRAPH)
	$(EG) query $(CORDIS_GRAPH) --name partners --param organization=TNO --format csv -o $(CORDIS)/partners-tno.csv
	$(EG) query $(CORDIS_GRAPH) --name organizations-by-theme-and-place --param theme=Health --param place=Netherlands --format csv -o $(CORDIS)/health-netherlands.csv
	$(EG) analyze centrality $(CORDIS_GRAPH) --top 10
	$(EG) analyze suggest $(CORDIS_GRAPH) --organization TNO --top 5
	$(EG) view $(CORDIS_GRAPH) --out $(CORDIS)/views/partners.html
	$(EG) view $(CORDIS_GRAPH) --focus TNO --out $(CORDIS)/views/tno.html
	$(EG) view $(CORDIS_GRAPH) --theme Health --out $(CORDIS)/views/theme-health.html
	@echo "Open $(CORDIS)/views/partners.html; $(CORDIS)/import-report.json lists every organization not placed in a city."

test: $(STAMP)
	$(BIN)/python -m pytest

# The tests that need nothing beyond Python (no browser, Virtuoso, notebook kernel or node), and are
# not slow, on every core (pytest-xdist): about two minutes on 2 shared cores.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n auto -m "not (browser or virtuoso or notebook or node or slow)"

# Lint and import order (ruff), then types (mypy, strict on the whole package).
check: $(STAMP)
	$(BIN)/ruff check ecosystem_graph tests bench
	$(BIN)/mypy

# JupyterLab on the notebooks in notebooks/.
lab: $(STAMP)
	$(BIN)/python -m pip install --quiet 'jupyterlab>=4'
	$(BIN)/jupyter lab notebooks

# Rebuild the partner map's browser bundle (sigma.js, graphology, ForceAtlas2) from npm; the
# output is committed, so installing and testing never need this.
vendor:
	vendor/build.sh

clean:
	rm -rf build site .venv .pytest_cache
