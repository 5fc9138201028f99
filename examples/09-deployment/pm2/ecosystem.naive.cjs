// The Q&A's ecosystem file, kept to show what the tests catch. Only script and cwd differ, so it runs
// this service's build; everything else is as published.
module.exports = {
  apps: [
    {
      name: 'api-naive',
      cwd: `${__dirname}/..`,
      script: 'dist/service/start.js',
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
