// The process entry that pm2, Docker and `node` run: config first, then the service, then signals.
import { ConfigError, loadConfig } from '../config/config.js';
import { onSignals } from '../graceful-shutdown/shutdown.js';
import { startService } from './service.js';

try {
  const service = await startService(loadConfig());
  onSignals(service.shutdown);
  // pm2 `wait_ready`: a reload only retires the old worker once this one is listening.
  process.send?.('ready');
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
