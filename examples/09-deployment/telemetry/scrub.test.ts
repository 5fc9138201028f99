import { describe, expect, it } from 'vitest';
import { FILTERED, scrubSecrets } from './scrub.js';

describe('scrubSecrets', () => {
  it('filters fields named for secrets, at any depth, and keeps the rest', () => {
    const scrubbed = scrubSecrets({
      request: { headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'k1', accept: 'json' } },
      extra: { user: { email: 'a@b.c', password: 'p', passwordHash: 'h' }, client_secret: 's' },
      contexts: { trace: { trace_id: '0af7651916cd43dd8448eb211c80319c' } },
    });
    expect(scrubbed).toEqual({
      request: { headers: { Authorization: FILTERED, 'X-Api-Key': FILTERED, accept: 'json' } },
      extra: { user: { email: 'a@b.c', password: FILTERED, passwordHash: FILTERED }, client_secret: FILTERED },
      contexts: { trace: { trace_id: '0af7651916cd43dd8448eb211c80319c' } },
    });
  });

  it('filters the password in a URL, credentials in free text and secret query parameters', () => {
    expect(scrubSecrets('connect ECONNREFUSED postgres://app:pa55@db:5432/shop')).toBe(
      `connect ECONNREFUSED postgres://app:${FILTERED}@db:5432/shop`,
    );
    expect(scrubSecrets('amqp://guest:guest@127.0.0.1:5672')).toBe(`amqp://guest:${FILTERED}@127.0.0.1:5672`);
    expect(scrubSecrets('retrying with Bearer eyJhbGciOi.x.y')).toBe(`retrying with Bearer ${FILTERED}`);
    expect(scrubSecrets('/reset?email=a@b.c&reset_token=xyz#top')).toBe(
      `/reset?email=a@b.c&reset_token=${FILTERED}#top`,
    );
  });

  it('filters inside a string that holds JSON, as a captured body does', () => {
    expect(JSON.parse(scrubSecrets('{"item":"tea","password":"hunter2"}'))).toEqual({
      item: 'tea',
      password: FILTERED,
    });
  });

  it('leaves an object without secrets equal, and does not mutate its input', () => {
    const event = { message: 'GET /stock answered 503', tags: { route: '/stock' } };
    const copy = structuredClone(event);
    expect(scrubSecrets(event)).toEqual(copy);
    scrubSecrets({ password: 'x', nested: event });
    expect(event).toEqual(copy);
  });

  it('marks what it filtered with "[Filtered]", as Sentry does', () => {
    expect(FILTERED).toBe('[Filtered]');
  });

  it('filters every spelling of a secret field, inside arrays too, and keeps numbers, booleans and null', () => {
    const names = [
      'pass',
      'passwd',
      'Password',
      'apikey',
      'api_key',
      'api-key',
      'cookie',
      'credentials',
      'session_token',
    ];
    const scrubbed = scrubSecrets([
      Object.fromEntries(names.map((name) => [name, 'x'])),
      { count: 3, ok: true, gone: null },
    ]);
    expect(scrubbed).toEqual([
      Object.fromEntries(names.map((name) => [name, FILTERED])),
      { count: 3, ok: true, gone: null },
    ]);
  });

  it('filters every secret query parameter, up to the next & or #, and credentials after any whitespace', () => {
    const query =
      '?password=a&pass=b&apikey=c&api_key=d&api-key=e&access_token=f&client-secret=g&secret_key=h&page=2#x';
    const filtered = [
      'password',
      'pass',
      'apikey',
      'api_key',
      'api-key',
      'access_token',
      'client-secret',
      'secret_key',
    ];
    expect(scrubSecrets(`GET /orders${query}`)).toBe(
      `GET /orders?${filtered.map((name) => `${name}=${FILTERED}`).join('&')}&page=2#x`,
    );
    // Only a parameter is a secret by its name: the same words in a path or in prose are left alone.
    expect(scrubSecrets('/docs/token=rules/a_password=b')).toBe('/docs/token=rules/a_password=b');
    expect(scrubSecrets('Authorization: Basic  dXNlcjpwYXNz')).toBe(`Authorization: Basic ${FILTERED}`);
  });

  it('filters JSON held in a string whatever surrounds it: an array, or padding around an object', () => {
    expect(JSON.parse(scrubSecrets('[{"token":"t","item":"tea"}]'))).toEqual([{ token: FILTERED, item: 'tea' }]);
    expect(JSON.parse(scrubSecrets('\n  {"password":"hunter2"}\n'))).toEqual({ password: FILTERED });
    expect(scrubSecrets('[not json] password=hunter2')).toBe('[not json] password=hunter2');
    // JSON that is not an object or an array is text, left as written, padding and all.
    for (const text of [' 42 ', ' null ', ' "quoted" ']) expect(scrubSecrets(text)).toBe(text);
  });

  it('cuts what is nested more than 20 levels deep, so a cyclic event cannot overflow the stack', () => {
    const nested = (levels: number, leaf: unknown): unknown =>
      levels === 0 ? leaf : { next: nested(levels - 1, leaf) };
    expect(scrubSecrets(nested(20, 'leaf'))).toEqual(nested(20, 'leaf'));
    expect(scrubSecrets(nested(21, 'leaf'))).toEqual(nested(21, FILTERED));
    // An array level and a JSON-string level count as levels too.
    const inArrays = (levels: number): unknown => (levels === 0 ? 'leaf' : [inArrays(levels - 1)]);
    expect(JSON.stringify(scrubSecrets(inArrays(25)))).not.toContain('leaf');
    const inStrings = (levels: number): unknown =>
      levels === 0 ? 'leaf' : JSON.stringify({ next: inStrings(levels - 1) });
    expect(scrubSecrets(inStrings(15))).not.toContain('leaf');
    const cyclic: Record<string, unknown> = { name: 'order' };
    cyclic.self = cyclic;
    expect(JSON.stringify(scrubSecrets(cyclic))).toContain(FILTERED);
  });
});
