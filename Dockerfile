# syntax=docker/dockerfile:1
# Integram Appliance server (headless): the compiled server, the console and the server workspace's
# production dependencies; no Electron, no Vite, no test tools. Data, settings (.env) and secrets
# live in the /data volume. README, "Deploy" > Docker.
#   docker build -t integram .
#   echo 'a-long-admin-password' | docker run --rm -i -v integram-data:/data integram \
#     node dist/server/cli/admin.js set-password --password-stdin
#   docker run -d --name integram -p 8081:8081 -v integram-data:/data --restart unless-stopped integram

FROM node:20-bookworm-slim AS build
WORKDIR /src
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1 SCARF_ANALYTICS=false
COPY . .
RUN npm ci --no-audit --no-fund \
 && npm run build \
 && deploy/install-runtime.sh /runtime --offline

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    ENV_FILE=/data/.env \
    HOST=0.0.0.0 \
    PORT=8081
WORKDIR /app
# the program is root's and read-only for the server; only /data is its own
COPY --from=build /runtime /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8081
# ready = the store is open (503 while starting or while the database is away)
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8081/health/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# creates the settings file in a new volume, then runs the command
ENTRYPOINT ["/app/entrypoint.sh"]
# exit 75 (restart from the console) and crashes: the restart policy (--restart unless-stopped) starts it again
CMD ["node", "dist/server/index.js"]
