import { recipe } from '@cookbook/shared';
import { startTsx } from '../src/child-process.js';
import { startEnvelopeReceiver } from './test/envelope-receiver.js';

interface Event {
  release?: string;
  environment?: string;
  level?: string;
  contexts?: { trace?: { trace_id?: string } };
  request?: { method?: string; url?: string; headers?: Record<string, string> };
  exception?: { values?: { value?: string; mechanism?: { type?: string; handled?: boolean } }[] };
}

export const errorTrackingDemo = recipe({
  services: [],
  title: 'Sentry reports 5xx and crashes with stack, release and trace id, and no secret',
  lookFor: 'the database password and the Authorization header as [Filtered]; the crash reported before exit',
  async run({ defer, log }) {
    const receiver = await startEnvelopeReceiver();
    defer(() => receiver.close());
    const service = startTsx(
      new URL('./test/failing-service.ts', import.meta.url),
      [],
      {
        SENTRY_DSN: receiver.dsn,
        SENTRY_RELEASE: 'shop@1.2.3',
        SENTRY_ENVIRONMENT: 'demo',
        DATABASE_URL: 'postgres://app:s3cret@db.internal:5432/shop',
      },
      { stderr: 'ignore' },
    ); // the crash's own stack trace on stderr is not the point here
    defer(() => service.stop().then(() => undefined));
    const url = await service.json((line) => line.listening as string | undefined);
    const response = await fetch(`${url}/orders`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok-123', 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'tea', password: 'hunter2' }),
    });
    log(`POST /orders → ${response.status} (x-trace-id ${response.headers.get('x-trace-id')})`);
    await fetch(`${url}/crash/rejection`, { method: 'POST' });
    log(`POST /crash/rejection → the service exited with code ${await service.stop()}`);
    log('');
    for (const event of receiver.events() as Event[]) {
      const exception = event.exception?.values?.[0];
      log(`event: ${exception?.value}`);
      log(
        `  level ${event.level}, handled ${exception?.mechanism?.handled}, release ${event.release}, environment ${event.environment}`,
      );
      log(`  trace ${event.contexts?.trace?.trace_id}`);
      if (event.request) log(`  request ${event.request.method} ${event.request.url}`);
      const authorization = event.request?.headers?.authorization;
      if (authorization) log(`  its Authorization header, as sent to Sentry: ${authorization}`);
    }
    const leaked = ['s3cret', 'hunter2', 'tok-123'].filter((secret) =>
      receiver.envelopes.some((e) => e.raw.includes(secret)),
    );
    log('');
    log(`secrets found in what was sent: ${leaked.length === 0 ? 'none' : leaked.join(', ')}`);
  },
});
