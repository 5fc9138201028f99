import { describe, expect, it } from 'vitest';
import { probePostgres, probeRabbitmq, probeRedis } from '../src/probes.js';
import { SERVICES } from '../src/services.js';

// A port nothing listens on: connections are refused at once.
const CLOSED = '127.0.0.1:1';

describe('probes against the real services of this machine', () => {
  it('answer true for the running services', async () => {
    expect(await probePostgres(SERVICES.postgres.defaultUrl)).toBe(true);
    expect(await probeRedis(SERVICES.redis.defaultUrl)).toBe(true);
    expect(await probeRabbitmq(SERVICES.rabbitmq.defaultUrl)).toBe(true);
  });

  it('answer false, without throwing, where nothing listens', async () => {
    expect(await probePostgres(`postgres://postgres@${CLOSED}/postgres`, 500)).toBe(false);
    expect(await probeRedis(`redis://${CLOSED}`, 500)).toBe(false);
    expect(await probeRabbitmq(`amqp://guest:guest@${CLOSED}`, 500)).toBe(false);
  });
});
