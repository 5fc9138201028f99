import { recipe, reservablePort } from '@cookbook/shared';
import { demoEnv, show } from '../test/demo-env.js';
import { startTestService } from '../test/service.js';

export const healthDemo = recipe({
  services: ['postgres', 'redis'],
  title: 'live vs ready, each check with a timeout',
  lookFor: 'with Redis unreachable, ready is 503 naming "redis" within the 500 ms timeout; live stays 200.',
  async run(context) {
    const env = demoEnv(context);
    const healthy = await startTestService(env);
    await show(context.log, `${healthy.url}/health/live`);
    await show(context.log, `${healthy.url}/health/ready`);
    await healthy.stop();
    const redisDown = await startTestService({ ...env, REDIS_URL: `redis://127.0.0.1:${await reservablePort()}` });
    await show(context.log, `${redisDown.url}/health/ready`);
    await show(context.log, `${redisDown.url}/health/live`);
    await redisDown.stop();
  },
});
