import { describe, expect, it } from 'vitest';
import { sampleUsers } from '../users/sample-users.js';
import { toPublicUser, type User } from '../users/user.js';
import { createFastifyUsersApp, naiveStringifyUsers, stringifyUser, stringifyUsers } from './fast-json.js';

const stored = sampleUsers(100);
const publicUsers = stored.map(toPublicUser);

describe('fast-json', () => {
  // #region naive-schema
  it('❌ seed: an object schema serializes an array of users as {}', () => {
    expect(naiveStringifyUsers(publicUsers)).toBe('{}');
  });
  // #endregion naive-schema

  it('❌ seed: the same schema is right for one user, which is why the mistake passes a quick look', () => {
    expect(naiveStringifyUsers(publicUsers[0] as User)).toBe(JSON.stringify(publicUsers[0]));
  });

  it('with required fields the same mistake throws instead of answering {}', () => {
    expect(() => (stringifyUser as (value: unknown) => string)(publicUsers)).toThrow(/"id" is required/);
  });

  it('an array schema serializes the list exactly like JSON.stringify', () => {
    expect(stringifyUsers(publicUsers)).toBe(JSON.stringify(publicUsers));
    expect(JSON.parse(stringifyUser(publicUsers[0]))).toEqual(publicUsers[0]);
  });

  it('the schema fixes the types too: a string id (pg returns a bigint as one) goes out as a number', () => {
    const fromDriver = { id: '7', name: 42, email: 'u7@example.com' } as unknown as User;
    expect(stringifyUser(fromDriver)).toBe('{"id":7,"name":"42","email":"u7@example.com"}');
  });

  it('fields the schema does not name never leave the server', () => {
    const json = stringifyUsers(stored);
    expect(json).not.toContain('passwordHash');
    expect(JSON.stringify(stored)).toContain('passwordHash'); // the plain way leaks it
    expect(JSON.parse(json)).toEqual(publicUsers);
  });

  it('Fastify with a response schema strips the same fields', async () => {
    const app = createFastifyUsersApp(async () => stored as User[]);
    try {
      const res = await app.inject({ method: 'GET', url: '/users' });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('passwordHash');
      expect(res.json()).toEqual(publicUsers);
    } finally {
      await app.close();
    }
  });
});
