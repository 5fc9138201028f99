import { PassThrough } from 'node:stream';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { createHttpApp } from '../app/express-app.js';
import { createFastifyApp } from '../app/fastify-app.js';
import { MemoryUserRepository } from '../app/repositories/memory-user-repository.js';
import { ConsoleEmailSender } from '../app/services/email-sender.js';
import { ProductService } from '../app/services/product-service.js';
import { UserService } from '../app/services/user-service.js';
import { createLogger } from '../app/utils/logger.js';
import { ADMIN, TOKEN_SECRET } from '../test/support.js';

/** The winston logger the app ships with, writing into a stream the test reads line by line. */
function recordedStack() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  const logger = createLogger({ stream });
  const broken = new (class extends MemoryUserRepository {
    override async findById(): Promise<never> {
      throw new Error('database is down');
    }
  })();
  const users = new UserService({
    users: broken,
    hashPassword: async (p) => `fake:${p.length}`,
    mailer: new ConsoleEmailSender(logger), // logs from the service layer, which never sees the request
    logger,
  });
  const products = new ProductService({
    create: async (p) => ({ ...p, id: 1, stock: p.stock ?? 0, createdAt: new Date() }),
    findById: async () => undefined,
    list: async () => ({ items: [], nextCursor: null }),
  });
  const lines = () =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stack: { users, products, logger, tokenSecret: TOKEN_SECRET }, lines };
}

const edges = {
  Express: (stack: ReturnType<typeof recordedStack>['stack']) => ({
    target: createHttpApp(stack),
    close: async () => {},
  }),
  Fastify: async (stack: ReturnType<typeof recordedStack>['stack']) => {
    const app = createFastifyApp(stack);
    await app.ready();
    return { target: app.server, close: () => app.close() };
  },
};

describe.each(Object.entries(edges))('winston lines on %s carry the request id', (_name, build) => {
  it('every line of concurrent requests names its own request, service-layer lines included', async () => {
    const { stack, lines } = recordedStack();
    const edge = await build(stack);
    try {
      const ids = Array.from({ length: 8 }, (_, i) => `trace-${i}`);
      const statuses = await Promise.all(
        ids.map(async (id, i) => {
          const res = await request(edge.target)
            .post('/users')
            .set(ADMIN)
            .set('x-request-id', id)
            .send({ email: `user${i}@example.com`, name: `User ${i}`, password: 'correct horse' });
          return res.status;
        }),
      );
      expect(statuses).toEqual(ids.map(() => 201));
      await stack.users.drain();
      const failed = await request(edge.target).get('/users/1').set(ADMIN).set('x-request-id', 'trace-broken');
      expect(failed.status).toBe(500);

      const all = lines();
      expect(all.every((line) => typeof line.requestId === 'string')).toBe(true);
      // The welcome email is logged by the mailer, after the response, with no request in sight.
      const welcomes = all.filter((line) => line.message === 'welcome email');
      expect(welcomes.map((line) => [line.requestId, line.to, line.subject]).sort()).toEqual(
        ids.map((id, i) => [id, `user${i}@example.com`, `Welcome, User ${i}`]).sort(),
      );
      const perRequest = all.filter((line) => line.message === 'request');
      expect(perRequest.map((line) => line.requestId).sort()).toEqual([...ids, 'trace-broken'].sort());
      expect(all.find((line) => line.message === 'unhandled error')).toMatchObject({
        level: 'error',
        requestId: 'trace-broken',
        errorMessage: 'database is down',
        timestamp: expect.any(String),
      });
    } finally {
      await edge.close();
    }
  });

  it('one access line per request: method, status, and the path without its query string', async () => {
    const { stack, lines } = recordedStack();
    const edge = await build(stack);
    try {
      const started = performance.now();
      await request(edge.target).get('/products?limit=1&secret=hunter2').set(ADMIN).set('x-request-id', 'trace-list');
      const waited = performance.now() - started;
      expect(lines().filter((line) => line.message === 'request')).toEqual([
        expect.objectContaining({ requestId: 'trace-list', method: 'GET', path: '/products', status: 200 }),
      ]);
      // `ms` is the server's own share of the wait the client measured around it.
      const [line] = lines().filter((entry) => entry.message === 'request');
      expect(line?.ms).toBeGreaterThanOrEqual(0);
      expect(line?.ms).toBeLessThanOrEqual(Math.ceil(waited));
    } finally {
      await edge.close();
    }
  });
});

describe("Fastify's own logger", () => {
  it('stays off: serving a request writes no pino line to stdout, only the app logger logs it', async () => {
    const written: string[] = [];
    // Installed before Fastify is built: pino writes through a process.stdout.write that was replaced
    // (to fd 1 directly otherwise, where no test could see it).
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const { stack, lines } = recordedStack();
    const app = createFastifyApp(stack);
    try {
      await app.ready();
      const res = await request(app.server).get('/products').set(ADMIN).set('x-request-id', 'trace-quiet');
      expect(res.status).toBe(200);
    } finally {
      await app.close();
      write.mockRestore();
    }
    // pino's lines are JSON with a numeric level ("incoming request", "request completed").
    const pinoLines = written.flatMap((chunk) => chunk.split('\n')).filter((line) => /^\{.*"level":\d+/.test(line));
    expect(pinoLines).toEqual([]);
    expect(lines().map((line) => [line.message, line.requestId])).toEqual([['request', 'trace-quiet']]);
  });
});
