import { recipe } from '@cookbook/shared';
import { demoEnv } from '../test/demo-env.js';
import { startTestService } from '../test/service.js';

export const loggingDemo = recipe({
  services: ['postgres', 'redis'],
  title: 'one JSON line per request, secrets masked',
  lookFor: 'one JSON line per request with requestId and durationMs; no token, no bearer; the 400 at warn.',
  async run(context) {
    const service = await startTestService(demoEnv(context), {
      echo: (text) => process.stdout.write(`    log ${text}`),
    });
    await fetch(`${service.url}/api/time?token=qs-secret`, { headers: { authorization: 'Bearer bearer-secret' } });
    await fetch(`${service.url}/api/work?ms=soon`);
    await service.stop();
  },
});
