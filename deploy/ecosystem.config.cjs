// PM2: `pm2 start deploy/ecosystem.config.cjs` from the built tree (npm ci && npm run build).
// Logs: `pm2 logs integram` (files under ~/.pm2/logs); `pm2 save && pm2 startup` for a start at boot.
// Settings come from the .env next to the tree (or ENV_FILE); the data folder is DATA_DIR (./data).
module.exports = {
  apps: [
    {
      name: 'integram',
      script: 'dist/server/index.js',
      // node, or the path of bun (deploy/deploy-bun.sh --pm2 sets it): PM2 ignores --interpreter
      // for an app declared here
      interpreter: process.env.INTEGRAM_INTERPRETER || 'node',
      // the checkout: this file's folder's parent
      cwd: `${__dirname}/..`,
      // one process per instance: several instances are separate apps (or machines) on one MySQL
      // behind nginx (deploy/nginx/integram.conf), not PM2's cluster mode, whose workers would share
      // one port but each open the embedded store
      exec_mode: 'fork',
      instances: 1,
      env: { NODE_ENV: 'production' },
      // a crash and exit 75 (a restart asked for in the console) start it again; 1 (configuration
      // error), 2 (port in use) and 3 (LAN refused without an admin password) do not: starting again
      // would fail the same way. Not 0: PM2 reports a process killed by a signal as exit code 0, and
      // `pm2 stop` never restarts anyway.
      autorestart: true,
      stop_exit_codes: [1, 2, 3],
      restart_delay: 1000,
      // a graceful stop drains requests and closes the store (up to 60 s for a running backup)
      kill_timeout: 90_000,
      max_memory_restart: '1G',
      time: true,
      merge_logs: true,
    },
  ],
};
