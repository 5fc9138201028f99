import { expect } from 'vitest';
import { authCases } from './route-table-auth.js';
import { fieldsOf, userCases } from './route-table-users.js';
import type { Http } from './support.js';

export interface RouteCase {
  name: string;
  run(http: Http): Promise<void>;
}

/** One table, run against the Express app and the Fastify app: same requests, same answers. */
export const routeCases: RouteCase[] = [
  ...userCases,
  ...authCases,
  {
    name: 'POST /products creates; a price sent as a string is 400 naming priceCents',
    run: async (http) => {
      const res = await http.call('post', '/products', { name: 'Kettle', priceCents: 2599, stock: 3 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Kettle', priceCents: 2599, stock: 3 });
      expect(res.headers.location).toBe(`/products/${res.body.id}`);
      expect((await http.call('get', `/products/${res.body.id}`)).body).toMatchObject({
        id: res.body.id,
        name: 'Kettle',
      });
      const bad = await http.call('post', '/products', { name: 'Kettle', priceCents: '2599' });
      expect(bad.status).toBe(400);
      expect(fieldsOf(bad.body)).toEqual(['priceCents']);
      const missing = await http.call('get', '/products/2147483000');
      expect([missing.status, missing.body.error.message]).toEqual([404, 'Product 2147483000 was not found']);
    },
  },
  {
    name: 'a JSON body that is not an object is 400 naming the body, on every route that takes one',
    run: async (http) => {
      for (const [method, path] of [
        ['post', '/users'],
        ['post', '/products'],
        ['patch', '/users/1'],
      ] as const) {
        const res = await http.raw(method, path, '[1, 2]');
        expect([res.status, fieldsOf(res.body)], `${method} ${path}`).toEqual([400, ['body']]);
      }
    },
  },
  {
    name: 'GET /products pages with a default page size',
    run: async (http) => {
      for (let i = 0; i < 3; i++) await http.call('post', '/products', { name: `Mug ${i}`, priceCents: 500 });
      const page = await http.call('get', '/products?limit=2');
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(2);
      expect(page.body.nextCursor).toBe(page.body.items[1].id);
    },
  },
  {
    name: 'a body over the 100 kB limit answers 413 in the error shape, not 500',
    run: async (http) => {
      const res = await http.call('post', '/products', { name: 'x'.repeat(200_000), priceCents: 1 });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('BAD_REQUEST');
    },
  },
  {
    name: 'an unknown route is a JSON 404 in the same error shape',
    run: async (http) => {
      const res = await http.call('get', '/nowhere');
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'ROUTE_NOT_FOUND', requestId: res.headers['x-request-id'] });
      // The path it names leaves the query string out: a query may hold secrets.
      expect((await http.call('get', '/nowhere/else?token=hunter2')).body.error.message).toBe(
        'No route for GET /nowhere/else',
      );
    },
  },
];
