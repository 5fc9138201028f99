import { recipe } from '@cookbook/shared';
import { ConfigError, loadConfig, naiveLoadConfig } from './config.js';

export const configDemo = recipe({
  services: [],
  title: 'the environment validated before listening',
  lookFor: 'one line naming every bad variable; `node --env-file=.env api/server.ts` exits 1 with it.',
  async run({ log }) {
    const env = {
      JWT_SECRET: 'changeme',
      DATABASE_URL: 'postgres://127.0.0.1/app',
      REDIS_URL: 'redis://127.0.0.1',
      PORT: 'eighty',
    };
    log(`naive check accepts: ${JSON.stringify(naiveLoadConfig(env))}`);
    try {
      loadConfig(env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      log(`loadConfig refuses: ${error.message}`);
    }
  },
});
