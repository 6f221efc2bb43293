#!/usr/bin/env bash
# Installs this built checkout as the systemd service `integram` (run as root, from the checkout,
# after `npm ci && npm run build`):
#   - the runtime (server, console, production dependencies only) in /opt/integram (PREFIX)
#   - a system user `integram` owning only its data folder /var/lib/integram (settings: .env there)
#   - deploy/integram.service with this machine's node, enabled and started
# Then set the console admin password (the command is printed at the end). Logs: journalctl -u integram -f
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "run as root (sudo $0)" >&2; exit 1; }
src="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${PREFIX:-/opt/integram}"
node_bin="$(command -v node)" || { echo "node is not installed (Node.js 20.19 or later)" >&2; exit 1; }
command -v systemctl >/dev/null || { echo "systemd is not running this machine" >&2; exit 1; }

"$src/deploy/install-runtime.sh" "$prefix"
id integram >/dev/null 2>&1 || useradd --system --home-dir /var/lib/integram --shell /usr/sbin/nologin integram
sed -e "s#/usr/bin/node #$node_bin #" -e "s#/opt/integram#$prefix#g" "$src/deploy/integram.service" > /etc/systemd/system/integram.service
systemctl daemon-reload
systemctl enable --now integram
echo "installed: systemctl status integram; logs: journalctl -u integram -f"
echo "console admin password: sudo -u integram env DATA_DIR=/var/lib/integram ENV_FILE=/var/lib/integram/.env $node_bin $prefix/dist/server/cli/admin.js set-password"
