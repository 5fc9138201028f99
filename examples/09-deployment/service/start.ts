// The process entry that pm2, Docker and `node` run: config first, then the service with its signal handlers.
import { ConfigError, loadConfig } from '../config/config.js';
import { startService } from './service.js';

try {
  await startService(loadConfig(), { handleSignals: true });
  // pm2 `wait_ready`: a reload only retires the old worker once this one is listening.
  process.send?.('ready');
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
