import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { corsPolicy, openCors, unsafeReflectingCors } from './cors.js';

const ALLOWED = ['https://app.example.com', 'https://admin.example.com'];
const EVIL = 'https://evil.example.net';

function app(cors: RequestHandler) {
  const app = express();
  app.use(cors);
  app.get('/me', (_req, res) => void res.json({ email: 'ada@example.com' }));
  return app;
}

describe('cors: allow-list with credentials', () => {
  it('an allowed origin gets its own origin back, with credentials', async () => {
    const res = await request(app(corsPolicy(ALLOWED)))
      .get('/me')
      .set('Origin', ALLOWED[1] as string);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED[1]);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    // Caches must not serve one origin's answer to another.
    expect(res.headers.vary).toContain('Origin');
  });

  it('a disallowed origin gets no CORS headers, so its script cannot read the response', async () => {
    const res = await request(app(corsPolicy(ALLOWED)))
      .get('/me')
      .set('Origin', EVIL);
    // The cors package still sends Allow-Credentials; without Allow-Origin the browser ignores it.
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers an allowed preflight with the methods, headers and max-age', async () => {
    const res = await request(app(corsPolicy(ALLOWED)))
      .options('/me')
      .set('Origin', ALLOWED[0] as string)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'Content-Type, Authorization');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED[0]);
    expect(res.headers['access-control-allow-methods']).toBe('GET,POST');
    expect(res.headers['access-control-allow-headers']).toBe('Content-Type,Authorization');
    expect(res.headers['access-control-max-age']).toBe('600');
  });

  it('answers a disallowed preflight without permission', async () => {
    const res = await request(app(corsPolicy(ALLOWED)))
      .options('/me')
      .set('Origin', EVIL)
      .set('Access-Control-Request-Method', 'POST');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('cors: the open configurations', () => {
  it("the Q&A's `cors()` lets every origin read every response", async () => {
    const res = await request(app(openCors())).get('/me').set('Origin', EVIL);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('reflecting any origin with credentials lets any site read logged-in answers', async () => {
    const res = await request(app(unsafeReflectingCors())).get('/me').set('Origin', EVIL);
    expect(res.headers['access-control-allow-origin']).toBe(EVIL);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
  });
});
