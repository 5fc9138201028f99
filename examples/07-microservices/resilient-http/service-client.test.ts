import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { naiveGetUser, UpstreamClientError, UpstreamUnavailableError } from './service-client.js';
import { clientAndStub, closeClientsAndStubs } from './test/client-and-stub.js';

afterEach(closeClientsAndStubs);

describe('resilient service client', () => {
  it('retries an idempotent GET on a 503, but never a POST', async () => {
    const { stub, client } = await clientAndStub({ retries: 2 });
    stub.setMode('error');
    await expect(client.get('/users/1')).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(stub.hits()).toBe(3);
    await expect(client.post('/users', { email: 'x@example.com' })).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(stub.hits()).toBe(4);
  });

  it('opens the breaker after the threshold, then fails fast without touching the service', async () => {
    const { stub, client } = await clientAndStub({
      retries: 0,
      breaker: { volumeThreshold: 4, resetTimeoutMs: 60_000 },
    });
    stub.setMode('down');
    for (let i = 0; i < 4; i += 1) await expect(client.get('/users/1')).rejects.toThrow(UpstreamUnavailableError);
    expect(client.breaker.opened).toBe(true);
    const hitsWhenOpened = stub.hits();
    for (let i = 0; i < 50; i += 1)
      await expect(client.get('/users/1')).rejects.toMatchObject({ code: 'EOPENBREAKER' });
    expect(stub.hits()).toBe(hitsWhenOpened);
  });

  // #region not-found-keeps-closed
  it('a 404 is a healthy service saying no: any number of them leaves the breaker closed', async () => {
    const { stub, client } = await clientAndStub({
      retries: 0,
      breaker: { volumeThreshold: 3, resetTimeoutMs: 60_000 },
    });
    stub.setMode('missing');
    for (let i = 0; i < 10; i += 1) await expect(client.get('/users/404')).rejects.toMatchObject({ status: 404 });
    await expect(client.get('/users/404')).rejects.toBeInstanceOf(UpstreamClientError);
    expect(client.breaker.closed).toBe(true);
    expect(stub.hits()).toBe(11); // every call reached the service: none was refused by an open breaker
  });
  // #endregion not-found-keeps-closed

  it('half-opens after the reset timeout and closes again once the service is back', async () => {
    const { stub, client } = await clientAndStub({ retries: 0, breaker: { volumeThreshold: 2, resetTimeoutMs: 150 } });
    stub.setMode('down');
    for (let i = 0; i < 2; i += 1) await expect(client.get('/users/1')).rejects.toThrow();
    expect(client.breaker.opened).toBe(true);
    stub.setMode('up');
    await once(client.breaker, 'halfOpen');
    await expect(client.get('/users/1')).resolves.toMatchObject({ id: 1 });
    expect(client.breaker.closed).toBe(true);
  });

  it('a hung service costs one timeout per attempt, and the abandoned request is closed', async () => {
    const { stub, client } = await clientAndStub({ retries: 1, timeoutMs: 200 });
    stub.setMode('hang');
    const started = performance.now();
    await expect(client.get('/users/1')).rejects.toThrow(/aborted due to timeout/);
    const elapsed = performance.now() - started;
    expect(stub.hits()).toBe(2);
    await stub.untilOpenBelow(1); // both attempts hung up on the service: nothing leaks
    // Two attempts of 200 ms plus backoff; a 10x margin for a loaded machine, still bounded (naive: never).
    expect(elapsed / (2 * 200)).toBeLessThan(10);
  });

  // #region naive-hangs
  it('naiveGetUser: a hung service keeps the call, and its socket, open after the fix has given up', async () => {
    const { stub, client } = await clientAndStub({ retries: 0, timeoutMs: 200 });
    stub.setMode('hang');
    let naiveSettled = false;
    const naive = naiveGetUser(stub.url, 1).finally(() => {
      naiveSettled = true;
    });
    naive.catch(() => {}); // it rejects only when the test closes the stub
    await expect(client.get('/users/1')).rejects.toThrow(/aborted due to timeout/);
    await stub.untilOpenBelow(2); // the fixed client's request is gone...
    expect(stub.openRequests()).toBe(1); // ...the naive one is still waiting
    expect(naiveSettled).toBe(false);
  });
  // #endregion naive-hangs
});
