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

  it('with required fields the same mistake throws instead of answering {}', () => {
    expect(() => (stringifyUser as (value: unknown) => string)(publicUsers)).toThrow(/"id" is required/);
  });

  it('an array schema serializes the list exactly like JSON.stringify', () => {
    expect(stringifyUsers(publicUsers)).toBe(JSON.stringify(publicUsers));
    expect(JSON.parse(stringifyUser(publicUsers[0]))).toEqual(publicUsers[0]);
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
