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
});
