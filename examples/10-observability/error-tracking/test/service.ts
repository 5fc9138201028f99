import { type Fixture, spawnFixture } from '@cookbook/shared/testing';
import { type EnvelopeReceiver, startEnvelopeReceiver } from './envelope-receiver.js';

/** What a test must never find in anything sent to Sentry. */
export const SECRETS = {
  databasePassword: 's3cret-db-pw',
  bodyPassword: 'hunter2-body',
  bearer: 'tok-authz-xyz',
  cookie: 'sid-cookie-val',
  queryToken: 'qs-token-123',
};

export interface RunningService {
  fixture: Fixture;
  url: string;
  receiver: EnvelopeReceiver;
  stop(): Promise<void>;
}

/** The failing service in its own process, reporting to a fresh envelope receiver (none with `dsn: false`). */
export async function startFailingService(
  env: NodeJS.ProcessEnv = {},
  { dsn = true, holdMs = 0 } = {},
): Promise<RunningService> {
  const receiver = await startEnvelopeReceiver({ holdMs });
  const fixture = spawnFixture(new URL('./failing-service.ts', import.meta.url), {
    env: {
      SENTRY_DSN: dsn ? receiver.dsn : '',
      SENTRY_RELEASE: 'shop@1.2.3',
      SENTRY_ENVIRONMENT: 'staging',
      DATABASE_URL: `postgres://app:${SECRETS.databasePassword}@db.internal:5432/shop`,
      ...env,
    },
  });
  // OpenTelemetry and Sentry under tsx take a while to load on a loaded machine: a start, not a claim.
  const [, url] = await fixture.waitForLine(/^\{"listening":"([^"]+)"\}$/, 60_000);
  return {
    fixture,
    url: url as string,
    receiver,
    stop: async () => {
      await fixture.kill();
      await receiver.close();
    },
  };
}

/** A request carrying every kind of secret a client sends: header, cookie, query string, body. */
export function placeOrderWithSecrets(url: string): Promise<Response> {
  return fetch(`${url}/orders?token=${SECRETS.queryToken}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${SECRETS.bearer}`,
      cookie: `sid=${SECRETS.cookie}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ item: 'tea', password: SECRETS.bodyPassword }),
  });
}

export function leakedSecrets(receiver: EnvelopeReceiver): string[] {
  const sent = receiver.envelopes.map((envelope) => envelope.raw).join('\n');
  return Object.entries(SECRETS)
    .filter(([, secret]) => sent.includes(secret))
    .map(([name]) => name);
}
