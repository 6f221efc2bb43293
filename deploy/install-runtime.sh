#!/usr/bin/env bash
# Lays out what the server needs at run time in TARGET, from a built checkout (npm ci && npm run build):
# the compiled server, the console and the workspace, the database templates, and the server
# workspace's production dependencies only (no Electron, Vite or test tools), at the versions of
# package-lock.json. Used by the Dockerfile and deploy/install-systemd.sh; tests/integration/deploy/docker-runtime.test.ts runs it.
#   deploy/install-runtime.sh TARGET [extra npm ci flags, e.g. --offline]
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
target="${1:?usage: install-runtime.sh TARGET [npm flags]}"
shift
[ -f "$src/dist/server/index.js" ] || { echo "build first: npm run build (no dist/server/index.js)" >&2; exit 1; }
mkdir -p "$target"
target="$(cd "$target" && pwd)"

# npm needs the manifests of every workspace the lock file names to install one of them
cp "$src/package.json" "$src/package-lock.json" "$target/"
for manifest in "$src"/*/package.json; do
  ws="$(basename "$(dirname "$manifest")")"
  [ "$ws" = node_modules ] && continue
  mkdir -p "$target/$ws" && cp "$manifest" "$target/$ws/"
done
(cd "$target" && ELECTRON_SKIP_BINARY_DOWNLOAD=1 SCARF_ANALYTICS=false npm ci --omit=dev --workspace server --include-workspace-root=false \
  --ignore-scripts --no-audit --no-fund --loglevel=error "$@")

mkdir -p "$target/dist" "$target/resources"
cp -R "$src/dist/server" "$target/dist/"
for ui in renderer workspace; do [ -d "$src/dist/$ui" ] && cp -R "$src/dist/$ui" "$target/dist/"; done
cp -R "$src/resources/templates" "$target/resources/"
cp "$src/deploy/docker/entrypoint.sh" "$target/entrypoint.sh"
# workspaces other than the server: only their manifests were needed
for manifest in "$target"/*/package.json; do
  ws="$(basename "$(dirname "$manifest")")"
  case "$ws" in server|node_modules|dist|resources) ;; *) rm -rf "${target:?}/$ws" ;; esac
done
echo "runtime in $target: $(du -sh "$target" | cut -f1)"
