import type { Response } from 'supertest';
import { expect } from 'vitest';
import type { createMemoryLogger } from '../app/utils/logger.js';
import { UNAVAILABLE_MESSAGE } from './support.js';

type MemoryLogger = ReturnType<typeof createMemoryLogger>;

/** The 503 a client gets for an outage: Retry-After, the usual error body, and no internals. */
export function expectUnavailable(res: Response): void {
  expect(res.status).toBe(503);
  expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  expect(res.body).toEqual({
    error: { code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE_MESSAGE, requestId: expect.any(String) },
  });
  expect(res.text).not.toMatch(/timeout|terminat|cancel|sequelize|5701|57P0|pid|Postgres/i);
}

/** A 503 is an outage, not a bug: one warning each, never the "unhandled error" a 500 logs. */
export function expectWarnings(logger: MemoryLogger, count: number): void {
  expect(logger.entries.filter((e) => e.message === 'unhandled error')).toEqual([]);
  const warnings = logger.entries.filter((e) => e.level === 'warn');
  expect(warnings).toHaveLength(count);
  for (const { message, fields } of warnings) {
    expect(message).toBe('dependency unavailable');
    expect(fields).toMatchObject({ dependency: 'database', method: 'GET', path: '/products' });
    expect(fields.requestId).toEqual(expect.any(String));
    expect(fields).not.toHaveProperty('stack');
  }
}
