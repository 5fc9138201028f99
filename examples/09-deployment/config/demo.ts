import { recipe } from '@cookbook/shared';
import { ConfigError, loadConfig, naiveConfig } from './config.js';

export const configDemo = recipe({
  services: [],
  title: 'validated once, frozen, strict in production',
  lookFor: 'one line naming every bad variable; the naive config starts with port "eighty" and no database.',
  async run({ log }) {
    log(`development: ${JSON.stringify(loadConfig({ NODE_ENV: 'development' }))}`);
    try {
      loadConfig({ NODE_ENV: 'production', REDIS_URL: 'redis://cache:6379', PORT: 'eighty' });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      log(`production, DATABASE_URL unset and PORT=eighty: ${error.message}`);
    }
    log(`the Q&A config, same env: ${JSON.stringify(naiveConfig({ NODE_ENV: 'production', PORT: 'eighty' }))}`);
  },
});
