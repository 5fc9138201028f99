// The Q&A's ecosystem file, kept to show what the tests catch. Only script and interpreter differ,
// so it can run this TypeScript service; everything else is as published.
module.exports = {
  apps: [
    {
      name: 'api-naive',
      cwd: `${__dirname}/..`,
      script: 'service/start.ts',
      interpreter: 'node',
      node_args: ['--import', 'tsx'],
      instances: 'max',
      exec_mode: 'cluster',
      env: {
        NODE_ENV: 'production',
      },
      error_file: './logs/err.log',
      out_file: './logs/out.log',
      merge_logs: true,
      max_memory_restart: '1G',
    },
  ],
};
