import { type DemoContext, recipe } from '@cookbook/shared';
import { loadConfig } from '../config/config.js';
import { startService } from '../service/service.js';
import { demoEnv } from '../test/demo-env.js';
import { startTestService } from '../test/service.js';
import { workRoutes } from '../test/work-routes.js';
import { naiveShutdown } from './shutdown.js';

const IN_FLIGHT = 20;
const DEMO_DRAIN_MS = 1_000;
// Drain plus work stays well inside the 5 s the dispatcher gives a demo after a signal.
const DEMO_WORK_MS = 2_000;

export const gracefulShutdownDemo = recipe({
  services: ['postgres', 'redis'],
  title: `${IN_FLIGHT} slow requests in flight at SIGTERM, then the service until Ctrl-C`,
  lookFor: `graceful answers all ${IN_FLIGHT} and exits 0; the naive one closes the pool under them and still exits 0.`,
  async run(context) {
    const env = demoEnv(context);
    for (const naive of [false, true]) {
      const service = await startTestService(env, naive ? { shutdownWith: naiveShutdown } : {});
      let arrived = 0;
      const allArrived = new Promise<void>((resolve) =>
        service.server.on('request', () => ++arrived === IN_FLIGHT && resolve()),
      );
      const requests = Array.from({ length: IN_FLIGHT }, () =>
        fetch(`${service.url}/api/work?ms=800`, { headers: { connection: 'close' } }).then(
          (r) => r.status,
          () => 0,
        ),
      );
      await allArrived;
      const code = await service.stop();
      const ok = (await Promise.all(requests)).filter((status) => status === 200).length;
      context.log(
        `${naive ? 'naive (the Q&A)' : 'graceful'}: ${ok}/${IN_FLIGHT} in-flight requests answered 200; exit(${code})`,
      );
    }
    await serveUntilStopped(context, env);
  },
});

/** The service as `node dist/service/start.js` runs it, until Ctrl-C (smoke mode: one request, then stop). */
async function serveUntilStopped(context: DemoContext<'postgres' | 'redis'>, env: NodeJS.ProcessEnv): Promise<void> {
  const config = loadConfig({
    ...env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    // Production's drain, shortened: after SIGTERM it still accepts for a second, so the printed
    // `curl … & kill` works even when the kill lands before curl has connected.
    DRAIN_DELAY_MS: String(DEMO_DRAIN_MS),
    // A smoke run must not collide with a service someone already runs on 3000.
    PORT: process.env.PORT ?? (context.smoke ? '0' : '3000'),
    METRICS_PORT: process.env.METRICS_PORT ?? (context.smoke ? '0' : '9464'),
  });
  let exited: (code: number) => void = () => {};
  const exitCode = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const service = await startService(config, {
    exit: (code) => exited(code),
    extraRoutes: (clients) => workRoutes(clients.pool),
  });
  context.log(`Listening on ${service.url} (pid ${process.pid}). Try, in another terminal:`);
  context.log(`  curl -i ${service.url}/health/ready       # 200 with each check's state`);
  context.log(`  curl -i '${service.url}/api/work?ms=abc'  # 400 naming the field "ms"`);
  context.log(
    `  curl -s '${service.url}/api/work?ms=${DEMO_WORK_MS}' & kill -TERM ${process.pid}   # answered, then the service exits 0`,
  );
  context.log(`  curl -s ${service.metricsUrl} | grep ^http_request   # RED metrics, on their own port`);
  context.log(
    'Each request but a passing probe prints a JSON log line here. Ctrl-C (or SIGTERM) shuts down gracefully.',
  );
  if (context.smoke) {
    const response = await fetch(`${service.url}/health/ready`);
    context.log(`smoke: GET /health/ready -> ${response.status}`);
  }
  await context.untilStopped();
  void service.shutdown('SIGTERM');
  context.log(`service exited with ${await exitCode}`);
}
