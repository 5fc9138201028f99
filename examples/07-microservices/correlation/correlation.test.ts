import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  acceptCorrelationId,
  CORRELATION_HEADER,
  correlationId,
  correlationMiddleware,
  withCorrelationId,
} from './correlation.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** An app that answers with the correlation id its handler runs under. */
function echoApp() {
  const app = express();
  app.use(correlationMiddleware);
  app.get('/', (_req, res) => void res.json({ id: correlationId() ?? null }));
  return app;
}

describe('correlation ids', () => {
  it('keeps a caller id made of letters, digits, dot, dash and underscore, up to 64 of them', () => {
    for (const id of ['AZaz09._-', 'req-42', 'M', 'x'.repeat(64), 'trace.b_1-Z']) {
      expect(acceptCorrelationId(id)).toBe(id);
    }
  });

  it('replaces anything else with a fresh UUID: it ends up in every log line', () => {
    const unsafe = [
      '',
      'x'.repeat(65),
      'has space',
      'ok\nforged log line',
      '<script>ok',
      'ok"}',
      'naïve',
      'a/b',
      42,
      undefined,
      ['req-1'],
    ];
    for (const candidate of unsafe) {
      const id = acceptCorrelationId(candidate);
      expect(id, String(candidate)).toMatch(UUID);
    }
    expect(acceptCorrelationId('')).not.toBe(acceptCorrelationId('')); // fresh each time
  });

  it('exists only inside withCorrelationId, across awaits, and each run keeps its own', async () => {
    expect(correlationId()).toBeUndefined();
    const seen = await Promise.all(
      ['a', 'b'].map((id) =>
        withCorrelationId(id, async () => {
          await new Promise((resolve) => setImmediate(resolve));
          return correlationId();
        }),
      ),
    );
    expect(seen).toEqual(['a', 'b']);
    expect(correlationId()).toBeUndefined();
  });

  it('the middleware reuses a safe caller id, echoes it, and runs the request inside it', async () => {
    const res = await request(echoApp()).get('/').set(CORRELATION_HEADER, 'req-42');
    expect(res.headers[CORRELATION_HEADER]).toBe('req-42');
    expect(res.body).toEqual({ id: 'req-42' });
  });

  it('the middleware makes an id for a request without a safe one, and answers with it', async () => {
    for (const sent of [undefined, 'two words']) {
      const call = request(echoApp()).get('/');
      const res = await (sent === undefined ? call : call.set(CORRELATION_HEADER, sent));
      expect(res.headers[CORRELATION_HEADER]).toMatch(UUID);
      expect(res.body).toEqual({ id: res.headers[CORRELATION_HEADER] });
    }
  });
});
