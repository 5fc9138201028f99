import { expect } from 'vitest';
import type { RouteCase } from './route-table.js';
import { type Http, uniqueEmail } from './support.js';

async function register(http: Http, email = uniqueEmail()) {
  const res = await http.call('post', '/users', { email, name: 'Ada', password: 'correct horse battery' });
  expect(res.status).toBe(201);
  return res.body as { id: number; email: string };
}

export function fieldsOf(body: { error: { details?: { field: string }[] } }): string[] {
  return (body.error.details ?? []).map((d) => d.field).sort();
}

/** The user routes' half of the route table. */
export const userCases: RouteCase[] = [
  {
    name: 'POST /users creates a user and answers 201 with its public fields and a Location',
    run: async (http) => {
      const email = uniqueEmail('Mixed.Case');
      const res = await http.call('post', '/users', {
        email,
        name: ' Ada ',
        password: 'correct horse battery',
        id: 9999,
      });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['createdAt', 'email', 'id', 'name']);
      expect(res.body).toMatchObject({ email: email.toLowerCase(), name: 'Ada' });
      expect(res.body.id).not.toBe(9999);
      expect(res.headers.location).toBe(`/users/${res.body.id}`);
    },
  },
  {
    name: 'POST /users with bad fields answers 400 naming every field',
    run: async (http) => {
      const res = await http.call('post', '/users', { email: 'not-an-email', name: 'Ada' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toEqual(['email', 'password']);
      // The message names the fields too, in the schema's order, for a client that shows only it.
      expect(res.body.error.message).toBe('Invalid email, password');
    },
  },
  {
    name: 'POST /users with malformed JSON answers 400, not 500',
    run: async (http) => {
      const res = await http.raw('post', '/users', '{"email": ');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
    },
  },
  {
    name: 'POST /users with a taken email (any case) answers 409 EMAIL_TAKEN',
    run: async (http) => {
      const { email } = await register(http);
      const res = await http.call('post', '/users', {
        email: email.toUpperCase(),
        name: 'Eve',
        password: 'another password',
      });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'EMAIL_TAKEN', message: 'A user with this email already exists' });
    },
  },
  {
    name: 'GET /users/:id answers the user; an unknown id is a 404 with the request id',
    run: async (http) => {
      const user = await register(http);
      const found = await http.call('get', `/users/${user.id}`);
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject(user);
      const missing = await http.call('get', '/users/2147483000', undefined, { 'x-request-id': 'trace-42' });
      expect(missing.status).toBe(404);
      expect(missing.headers['x-request-id']).toBe('trace-42');
      expect(missing.body).toEqual({
        error: { code: 'NOT_FOUND', message: 'User 2147483000 was not found', requestId: 'trace-42' },
      });
    },
  },
  {
    name: 'GET /users/abc answers 400 naming id',
    run: async (http) => {
      const res = await http.call('get', '/users/abc');
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['id']);
    },
  },
  {
    name: 'PATCH /users/:id renames; an empty patch is 400; an unknown id is 404',
    run: async (http) => {
      const user = await register(http);
      const renamed = await http.call('patch', `/users/${user.id}`, { name: 'Grace' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: user.id, name: 'Grace' });
      expect((await http.call('patch', `/users/${user.id}`, {})).status).toBe(400);
      expect((await http.call('patch', '/users/2147483000', { name: 'X' })).status).toBe(404);
    },
  },
  {
    name: 'DELETE /users/:id answers 204, then that user is gone (404) and no other',
    run: async (http) => {
      const user = await register(http);
      const other = await register(http);
      expect((await http.call('delete', `/users/${user.id}`)).status).toBe(204);
      expect((await http.call('get', `/users/${user.id}`)).status).toBe(404);
      expect((await http.call('get', `/users/${other.id}`)).status).toBe(200);
      expect((await http.call('delete', `/users/${user.id}`)).status).toBe(404);
    },
  },
  {
    name: 'GET /users pages by cursor: every user exactly once, and limit above 100 is 400',
    run: async (http) => {
      const created = [];
      for (let i = 0; i < 5; i++) created.push((await register(http)).id);
      // A rename writes a new version of the row after the others: only ORDER BY id keeps the pages in order.
      expect((await http.call('patch', `/users/${created[0]}`, { name: 'Renamed' })).status).toBe(200);
      const seen: number[] = [];
      let after: number | null = 0;
      while (after !== null) {
        const page = await http.call('get', `/users?limit=2&after=${after}`);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((u: { id: number }) => u.id));
        after = page.body.nextCursor;
      }
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(created));
      const tooBig = await http.call('get', '/users?limit=101');
      expect(tooBig.status).toBe(400);
      expect(fieldsOf(tooBig.body)).toEqual(['limit']);
    },
  },
];
