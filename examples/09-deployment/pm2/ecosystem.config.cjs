// pm2 process file: `pnpm exec pm2 start pm2/ecosystem.config.cjs`, then `pm2 reload api` to deploy.
const path = require('node:path');

// The package root: the service's code and its node_modules live there.
const root = path.join(__dirname, '..');

// pm2 SIGKILLs a worker kill_timeout ms after asking it to stop; the app's own deadline must come first.
const SHUTDOWN_TIMEOUT_MS = 20_000;

// #region ecosystem
module.exports = {
  apps: [
    {
      name: 'api',
      cwd: root,
      // Compiled JavaScript (`pnpm build`), run by plain node: no tsx in production, where a
      // `--prod` install does not even have it.
      script: 'dist/service/start.js',
      // Tracing and error tracking load before the service's first import, or nothing is patched.
      node_args: ['--import', './dist/telemetry/register.js'],
      // One worker per core, unless told otherwise; each opens its own pool (DB_POOL_MAX connections).
      instances: Number(process.env.WEB_CONCURRENCY) || 'max',
      exec_mode: 'cluster',
      // A reload retires an old worker only after its replacement sent process.send('ready').
      wait_ready: true,
      listen_timeout: 15_000,
      kill_timeout: SHUTDOWN_TIMEOUT_MS + 5_000,
      // A leak gets a clean restart instead of a swap storm; pm2 checks this every 30 s.
      max_memory_restart: '512M',
      // The app writes JSON lines to stdout; pm2 owns the files (rotate with pm2-logrotate).
      out_file: path.join(root, 'logs', 'api.out.log'),
      error_file: path.join(root, 'logs', 'api.err.log'),
      merge_logs: true,
      // Crash loops back off instead of spinning.
      exp_backoff_restart_delay: 100,
      env: {
        NODE_ENV: 'production',
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        // Worker N serves /metrics on 9464 + N (NODE_APP_INSTANCE): one scrape target per worker.
        METRICS_PORT: '9464',
      },
    },
  ],
};
// #endregion ecosystem
