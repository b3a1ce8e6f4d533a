#!/usr/bin/env bash
# Rebuild the vendored browser bundle of the partner map, its basemap and its licence file from
# the pinned npm packages (package-lock.json). The output is committed: installing and testing the project
# never runs npm for it, and the pages it is embedded in fetch nothing.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
out=../ecosystem_graph/assets
npx esbuild entry.js --bundle --minify --format=iife --target=es2019 --legal-comments=none \
    --outfile="$out/sigma-bundle.min.js"
# The basemap: Natural Earth's 1:110m countries (public domain) as TopoJSON, from world-atlas.
cp node_modules/world-atlas/countries-110m.json "$out/countries-110m.json"
{
    echo "ecosystem_graph/assets/sigma-bundle.min.js bundles these npm packages, and"
    echo "ecosystem_graph/assets/countries-110m.json is world-atlas's file (Natural Earth 1:110m"
    echo "countries, public domain), under these licences:"
    for package in sigma @sigma/edge-curve graphology graphology-utils graphology-layout-forceatlas2 events \
                   obliterator topojson-client world-atlas; do
        version=$(node -p "require('./node_modules/$package/package.json').version")
        echo; echo "==== $package $version ===="; echo
        cat node_modules/$package/LICENSE*
    done
} > "$out/sigma-bundle.LICENSES.txt"
