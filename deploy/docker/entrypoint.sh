#!/bin/sh
# The image's entrypoint: the settings file the console edits lives in the data volume (ENV_FILE);
# a new volume has none yet, and the server refuses an ENV_FILE that does not exist.
set -e
if [ -n "${ENV_FILE:-}" ] && [ ! -e "$ENV_FILE" ]; then
  mkdir -p "$(dirname "$ENV_FILE")"
  : > "$ENV_FILE"
  chmod 600 "$ENV_FILE"
fi
exec "$@"
