#!/usr/bin/env bash
# The server under Bun (README, "Deploy"), from a checkout:
#   deploy/deploy-bun.sh                 install, build, then run the built server (foreground)
#   deploy/deploy-bun.sh --install-only  install and build only
#   deploy/deploy-bun.sh --dev           the server from source, restarted on changes (bun --watch)
#   deploy/deploy-bun.sh --pm2           install, build, then start it under PM2 with Bun as interpreter
# Settings as for Node (.env, DATA_DIR ...). Bun runs the same build: worker threads, PGlite and
# mysql2 work under it (tests/integration/deploy/bun.test.ts replays the PHP engine's core recording).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v bun >/dev/null || { echo "bun is not installed (https://bun.sh, or npm install -g bun)" >&2; exit 1; }
mode="${1:-}"
case "$mode" in ""|--install-only|--dev|--pm2) ;; *) echo "usage: $0 [--install-only|--dev|--pm2]" >&2; exit 2 ;; esac

export ELECTRON_SKIP_BINARY_DOWNLOAD=1 SCARF_ANALYTICS=false
bun install
if [ "$mode" = --dev ]; then
  exec bun --watch server/index.ts
fi
# the compiled server, then each browser app in its own folder (bun's workspace filter goes by package name)
bun run build:ts
for app in renderer workspace; do
  if [ -f "$app/package.json" ]; then (cd "$app" && bun run build); fi
done
case "$mode" in
  --install-only) echo "installed and built; start with: bun dist/server/index.js" ;;
  --pm2)
    pm2="$(command -v pm2 || echo node_modules/.bin/pm2)"
    INTEGRAM_INTERPRETER="$(command -v bun)" "$pm2" start deploy/ecosystem.config.cjs
    echo "logs: $pm2 logs integram" ;;
  *) exec bun dist/server/index.js ;;
esac
