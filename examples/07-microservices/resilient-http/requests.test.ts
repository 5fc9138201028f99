import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { CORRELATION_HEADER, withCorrelationId } from '../correlation/correlation.js';
import { type ServiceClientOptions, UpstreamClientError, UpstreamUnavailableError } from './service-client.js';
import { clientAndStub, closeClientsAndStubs } from './test/client-and-stub.js';

afterEach(closeClientsAndStubs);

describe('what the client sends', () => {
  it('JSON in and out, and the correlation id of the work it runs in', async () => {
    const { stub, client } = await clientAndStub();
    await withCorrelationId('order-7', () => client.post('/users', { email: 'x@example.com' }));
    await client.get('/users/1');
    const [post, get] = stub.requests();
    expect(post).toMatchObject({ method: 'POST', body: '{"email":"x@example.com"}' });
    expect(post?.headers).toMatchObject({ 'content-type': 'application/json', [CORRELATION_HEADER]: 'order-7' });
    expect(get).toMatchObject({ method: 'GET', body: '' });
    expect(get?.headers.accept).toBe('application/json');
    expect(get?.headers).not.toHaveProperty('content-type');
    expect(get?.headers).not.toHaveProperty(CORRELATION_HEADER); // outside any request, no id is made up
  });
});

describe('which answers are worth another try', () => {
  it.each([500, 503, 429])(
    '%i: the service is failing or shedding load, so an idempotent call retries',
    async (status) => {
      const { stub, client } = await clientAndStub({ retries: 2 });
      stub.setMode(status);
      const error = await client.get('/users/1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(error).toMatchObject({ name: 'UpstreamUnavailableError', message: `GET /users/1 answered ${status}` });
      expect(stub.hits()).toBe(3);
    },
  );

  it('a 4xx is the call being wrong: no retry, and the status and body reach the caller', async () => {
    const { stub, client } = await clientAndStub({ retries: 2 });
    stub.setMode(409);
    const error = await client.put('/users/1', { email: 'taken@example.com' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamClientError);
    expect(error).toMatchObject({ name: 'UpstreamClientError', message: 'upstream answered 409', status: 409 });
    expect(stub.hits()).toBe(1);
  });

  it('PUT and DELETE are retried like GET; POST is not', async () => {
    const { stub, client } = await clientAndStub({ retries: 1 });
    stub.setMode(503);
    await expect(client.put('/users/1', {})).rejects.toBeInstanceOf(UpstreamUnavailableError);
    await expect(client.delete('/users/1')).rejects.toBeInstanceOf(UpstreamUnavailableError);
    await expect(client.post('/users', {})).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(stub.requests().map((r) => r.method)).toEqual(['PUT', 'PUT', 'DELETE', 'DELETE', 'POST']);
  });

  it('a refused connection keeps the network error as its cause', async () => {
    const { stub, client } = await clientAndStub({ retries: 0 });
    stub.setMode('down');
    const error = await client.get('/users/1').catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'GET /users/1 failed: fetch failed' });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });
});

describe('the breaker settings a caller passes', () => {
  it('its error threshold: three failures in four calls open the default 50% breaker, not one at 75%', async () => {
    const answers = ['error', 'up', 'error', 'error'] as const; // 75% failed; opossum opens above the threshold
    const breakerAfter = async (breaker: ServiceClientOptions['breaker']) => {
      const { stub, client } = await clientAndStub({ retries: 0, breaker });
      for (const mode of answers) {
        stub.setMode(mode);
        await client.get('/users/1').catch(() => {});
      }
      return client.breaker;
    };
    expect((await breakerAfter({ volumeThreshold: 4 })).opened).toBe(true);
    expect((await breakerAfter({ volumeThreshold: 4, errorThresholdPercentage: 75 })).closed).toBe(true);
  });

  it('its reset timeout: the breaker half-opens after it, not after the default 10 s', async () => {
    const { stub, client } = await clientAndStub({ retries: 0, breaker: { volumeThreshold: 1, resetTimeoutMs: 100 } });
    stub.setMode('down');
    await client.get('/users/1').catch(() => {});
    const opened = performance.now();
    await once(client.breaker, 'halfOpen');
    // Against the 10 s default, a 30x margin over the 100 ms asked for still tells the two apart.
    expect((performance.now() - opened) / 100).toBeLessThan(30);
  });

  it('close() shuts the breaker down: its timers stop and it refuses calls', async () => {
    const { client } = await clientAndStub();
    client.close();
    expect(client.breaker.isShutdown).toBe(true);
  });
});
