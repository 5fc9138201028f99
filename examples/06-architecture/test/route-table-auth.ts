import { expect } from 'vitest';
import type { RouteCase } from './route-table.js';
import { bearer, type Http, uniqueEmail } from './support.js';

async function register(http: Http, name: string) {
  const res = await http.call('post', '/users', { email: uniqueEmail(name), name, password: 'correct horse battery' });
  expect(res.status).toBe(201);
  return res.body as { id: number; name: string };
}

const as = (userId: number, role: 'admin' | 'user') => ({ authorization: bearer({ userId, role }) });

/** Who may do what: the same answers from both frameworks. */
export const authCases: RouteCase[] = [
  {
    name: 'no token: every route answers 401 UNAUTHENTICATED with WWW-Authenticate, reads included',
    run: async (http) => {
      for (const [method, path] of [
        ['get', '/users'],
        ['get', '/users/1'],
        ['get', '/products'],
        ['post', '/products'],
        ['patch', '/users/1'],
        ['delete', '/users/1'],
        ['get', '/nowhere'],
      ] as const) {
        const res = await http.anonymous(method, path, method === 'get' ? undefined : { name: 'X', priceCents: 1 });
        expect([path, res.status, res.body.error.code]).toEqual([path, 401, 'UNAUTHENTICATED']);
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    },
  },
  {
    name: 'a forged, tampered, expired or foreign-scheme token is 401 too',
    run: async (http) => {
      const good = bearer({ userId: 7, role: 'user' });
      const [payload = '', signature = ''] = good.slice('Bearer '.length).split('.');
      const promoted = Buffer.from(JSON.stringify({ sub: 7, role: 'admin', exp: 4_000_000_000 })).toString('base64url');
      const forged = `Bearer ${promoted}.${signature}`; // admin claims under the user's signature
      const expired = bearer({ userId: 7, role: 'admin' }, { ttlSeconds: -1 });
      for (const authorization of [forged, `${good}x`, `Bearer ${payload}`, expired, 'Basic YWRhOmFkYQ==', 'Bearer']) {
        const res = await http.call('get', '/users', undefined, { authorization });
        expect([authorization, res.status]).toEqual([authorization, 401]);
      }
    },
  },
  {
    name: 'a user reads, but creating, deleting and renaming someone else is 403 and changes nothing',
    run: async (http) => {
      const grace = await register(http, 'Grace');
      const other = await register(http, 'Edsger');
      const user = as(grace.id, 'user');
      expect((await http.call('get', '/users', undefined, user)).status).toBe(200);
      expect((await http.call('get', `/users/${other.id}`, undefined, user)).status).toBe(200);
      const attempts = [
        await http.call('post', '/products', { name: 'Mug', priceCents: 1 }, user),
        await http.call('post', '/users', { email: uniqueEmail(), name: 'Eve', password: 'correct horse' }, user),
        await http.call('delete', `/users/${other.id}`, undefined, user),
        await http.call('patch', `/users/${other.id}`, { name: 'Renamed by Grace' }, user),
      ];
      // The message says what the role may not do, the same words from both frameworks.
      expect(attempts.map((res) => [res.status, res.body.error.code, res.body.error.message])).toEqual(
        ['create products', 'create users', 'delete users', 'rename other users'].map((action) => [
          403,
          'FORBIDDEN',
          `Your role may not ${action}`,
        ]),
      );
      expect((await http.call('get', `/users/${other.id}`)).body.name).toBe('Edsger');
    },
  },
  {
    name: 'a user renames themselves; an admin renames and deletes anyone',
    run: async (http) => {
      const grace = await register(http, 'Grace');
      const self = await http.call('patch', `/users/${grace.id}`, { name: 'Grace H.' }, as(grace.id, 'user'));
      expect([self.status, self.body.name]).toEqual([200, 'Grace H.']);
      const admin = as(999, 'admin');
      const renamed = await http.call('patch', `/users/${grace.id}`, { name: 'Grace Hopper' }, admin);
      expect([renamed.status, renamed.body.name]).toEqual([200, 'Grace Hopper']);
      expect((await http.call('delete', `/users/${grace.id}`, undefined, admin)).status).toBe(204);
    },
  },
];
