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
# The SPARQL editor of `serve`: YASGUI (Yasqe editor, Yasr results), as its own prebuilt bundle.
cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css "$out/"
{
    echo "ecosystem_graph/assets/yasgui.min.js and yasgui.min.css are @zazuko/yasgui's prebuilt files."
    echo "They bundle the npm packages below (the package's dependency closure), under these licences."
    echo; echo "==== @zazuko/yasgui $(node -p "require('./node_modules/@zazuko/yasgui/package.json').version") (MIT) ===="; echo
    cat yasgui-LICENSE.txt  # the package ships no licence file: this is its repository's (rdfjs/Yasgui)
    # Every package @zazuko/yasgui depends on, directly or not, once.
    npm ls --all --json | node -e '
        const seen = new Set();
        const walk = (deps) => Object.entries(deps || {}).forEach(([name, info]) => {
            if (!seen.has(name)) { seen.add(name); walk(info.dependencies); } });
        walk(JSON.parse(require("fs").readFileSync(0)).dependencies["@zazuko/yasgui"].dependencies);
        console.log([...seen].sort().join("\n"));' |
    while read -r package; do
        version=$(node -p "require('./node_modules/$package/package.json').version")
        licence=$(node -p "JSON.stringify(require('./node_modules/$package/package.json').license)")
        echo; echo "==== $package $version ($licence) ===="; echo
        files=$(find "node_modules/$package" -maxdepth 1 -iname 'licen[cs]e*')
        if [ -n "$files" ]; then cat $files; else echo "(the package has no licence file; its package.json says $licence)"; fi
    done
} > "$out/yasgui.LICENSES.txt"
