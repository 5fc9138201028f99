import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from './headers.js';

function app(withHelmet: boolean) {
  const app = express();
  if (withHelmet) app.use(securityHeaders());
  app.get('/ping', (_req, res) => void res.json({ ok: true }));
  return app;
}

/** `default-src 'self'; script-src 'self'` → { 'default-src': ["'self'"], ... } */
function parseCsp(header: string): Record<string, string[]> {
  return Object.fromEntries(
    header.split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('headers', () => {
  it('without helmet, Express announces itself and sets no protective headers', async () => {
    const res = await request(app(false)).get('/ping');
    expect(res.headers['x-powered-by']).toBe('Express');
    expect(res.headers['content-security-policy']).toBeUndefined();
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('with helmet, X-Powered-By is gone', async () => {
    const res = await request(app(true)).get('/ping');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it("sends the Q&A's Content-Security-Policy, merged into helmet's defaults", async () => {
    const res = await request(app(true)).get('/ping');
    const csp = parseCsp(res.headers['content-security-policy'] ?? '');
    expect(csp['default-src']).toEqual(["'self'"]);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['img-src']).toEqual(["'self'", 'data:', 'https:']);
    expect(csp['style-src']).toEqual(["'self'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['frame-ancestors']).toEqual(["'self'"]);
    expect(JSON.stringify(csp)).not.toContain('unsafe-inline');
  });

  it('sets the transport and sniffing protections', async () => {
    const res = await request(app(true)).get('/ping');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+; includeSubDomains/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  });
});
