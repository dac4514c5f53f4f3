#!/usr/bin/env bash
# vendor.sh — refresh the vendored front-end libraries.
#
# Charter never needs npm to build, test or run: the browser files are copied
# from the pinned npm packages (web/package.json + web/package-lock.json) into
#
#   internal/web/static/vendor/        served by the site, with LICENSES/ and README.md
#   internal/e2e/testdata/axe.min.js   axe-core, for the browser tests only (never served)
#
# and committed. Run this script only to change a version: edit package.json,
# run `npm install --package-lock-only --ignore-scripts` in web/, then
# `bash web/vendor.sh`, check the site, and commit the lock file and the
# vendored files together.
#
# It is idempotent: `npm ci` installs exactly what the lock file says, and the
# vendor directory is rebuilt from scratch, so a second run changes nothing.
set -euo pipefail

web="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$web/.." && pwd)"
nm="$web/node_modules"
vendor="$root/internal/web/static/vendor"
e2e="$root/internal/e2e/testdata"

command -v npm >/dev/null || { echo "vendor.sh: npm is needed to refresh the vendored files (not to build Charter)" >&2; exit 1; }

# --ignore-scripts: nothing we vendor needs an install step, and it keeps
# package postinstall hooks (e.g. swagger-ui-dist's analytics) from running.
(cd "$web" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

version() { node -p "require('$nm/$1/package.json').version"; }
licence() { node -p "require('$nm/$1/package.json').license"; }

# Refuse to vendor anything but the pinned versions (package.json is the pin;
# npm ci has already checked the lock against it, this checks the tree).
check() {
	local pkg=$1 want
	want=$(node -p "const p=require('$web/package.json'); (p.dependencies||{})['$pkg'] || (p.devDependencies||{})['$pkg']")
	if [[ "$(version "$pkg")" != "$want" ]]; then
		echo "vendor.sh: $pkg is $(version "$pkg"), package.json pins $want" >&2
		exit 1
	fi
}
for p in htmx.org d3 @observablehq/plot leaflet swagger-ui-dist axe-core; do check "$p"; done

rm -rf "$vendor"
mkdir -p "$vendor/LICENSES" "$vendor/images" "$e2e"

cp "$nm/htmx.org/dist/htmx.min.js" "$vendor/htmx.min.js"
cp "$nm/htmx.org/LICENSE" "$vendor/LICENSES/htmx.org.txt"

# d3's UMD bundle defines the global `d3` that Plot's UMD bundle needs.
cp "$nm/d3/dist/d3.min.js" "$vendor/d3.min.js"
cp "$nm/d3/LICENSE" "$vendor/LICENSES/d3.txt"

# Plot's UMD bundle includes isoformat, interval-tree-1d and
# binary-search-bounds, so their licences travel with Plot's.
cp "$nm/@observablehq/plot/dist/plot.umd.min.js" "$vendor/plot.umd.min.js"
{
	cat "$nm/@observablehq/plot/LICENSE"
	for dep in isoformat interval-tree-1d binary-search-bounds; do
		printf '\n\n-----\nBundled in plot.umd.min.js: %s %s (%s)\n\n' "$dep" "$(version "$dep")" "$(licence "$dep")"
		cat "$nm/$dep/LICENSE"
	done
} >"$vendor/LICENSES/observablehq-plot.txt"

cp "$nm/leaflet/dist/leaflet.js" "$nm/leaflet/dist/leaflet.css" "$vendor/"
cp "$nm/leaflet/dist/images/"*.png "$vendor/images/"
cp "$nm/leaflet/LICENSE" "$vendor/LICENSES/leaflet.txt"

cp "$nm/swagger-ui-dist/swagger-ui-bundle.js" \
	"$nm/swagger-ui-dist/swagger-ui-standalone-preset.js" \
	"$nm/swagger-ui-dist/swagger-ui.css" "$vendor/"
{
	cat "$nm/swagger-ui-dist/LICENSE"
	printf '\n\n-----\nNOTICE\n\n'
	cat "$nm/swagger-ui-dist/NOTICE"
	printf '\n\n-----\nThird-party notices for swagger-ui-bundle.js\n\n'
	cat "$nm/swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt"
	printf '\n\n-----\nThird-party notices for swagger-ui-standalone-preset.js\n\n'
	cat "$nm/swagger-ui-dist/swagger-ui-standalone-preset.js.LICENSE.txt"
} >"$vendor/LICENSES/swagger-ui-dist.txt"

cp "$nm/axe-core/axe.min.js" "$e2e/axe.min.js"
{
	cat "$nm/axe-core/LICENSE"
	printf '\n\n-----\n'
	cat "$nm/axe-core/LICENSE-3RD-PARTY.txt"
} >"$e2e/axe-core.LICENSE.txt"

cat >"$vendor/README.md" <<EOF
# Vendored front-end libraries

Copied from the npm packages pinned in \`web/package.json\` and \`web/package-lock.json\`.
Do not edit these files; regenerate with \`bash web/vendor.sh\` (needs npm; building,
testing and running Charter do not).

| package | version | licence | files |
|---|---|---|---|
| htmx.org | $(version htmx.org) | $(licence htmx.org) | htmx.min.js |
| d3 | $(version d3) | $(licence d3) | d3.min.js (UMD, global \`d3\`) |
| @observablehq/plot | $(version @observablehq/plot) | $(licence @observablehq/plot) (bundles isoformat ISC, interval-tree-1d MIT, binary-search-bounds MIT) | plot.umd.min.js (UMD, needs global \`d3\`: load d3.min.js first) |
| leaflet | $(version leaflet) | $(licence leaflet) | leaflet.js, leaflet.css, images/ |
| swagger-ui-dist | $(version swagger-ui-dist) | $(licence swagger-ui-dist) | swagger-ui-bundle.js, swagger-ui-standalone-preset.js, swagger-ui.css |

Licence texts are in \`LICENSES/\`. The files are byte-for-byte the packages'
builds; leaflet.js and swagger-ui.css name source maps that are not vendored
(only browser developer tools ask for them).

axe-core $(version axe-core) ($(licence axe-core)) is vendored for the browser tests only, at
\`internal/e2e/testdata/axe.min.js\` with \`axe-core.LICENSE.txt\`; it is never served.
EOF

echo "vendored into ${vendor#"$root"/} and ${e2e#"$root"/}:"
(cd "$root" && du -sh internal/web/static/vendor internal/e2e/testdata/axe.min.js)
