import fastJson, { type ObjectSchema } from 'fast-json-stringify';
import Fastify, { type FastifyInstance } from 'fastify';
import type { User } from '../users/user.js';

// #region schemas
/** The public fields of a user. Anything else on the object is dropped, never serialized. */
export const userSchema: ObjectSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    email: { type: 'string' },
  },
  required: ['id', 'name', 'email'],
};

/** One user, e.g. GET /users/:id. */
export const stringifyUser = fastJson(userSchema);
/** A list of users: the schema has to say "array", or the output is wrong (below). */
export const stringifyUsers = fastJson({ type: 'array', items: userSchema });
// #endregion schemas

// #region naive
/**
 * ❌ The seed's schema is for one object, but it is handed the array from `getUsers()`: an array
 * has none of the named properties, so every list serializes as `{}` and goes out with a 200.
 * (With `required`, as in `userSchema`, it would at least throw.)
 */
export const naiveStringifyUsers: (users: object) => string = fastJson({
  type: 'object',
  properties: {
    // Stryker disable next-line ObjectLiteral: the seed is shown failing on an array, where no property is read
    id: { type: 'number' },
    // Stryker disable next-line ObjectLiteral: as above
    name: { type: 'string' },
    // Stryker disable next-line ObjectLiteral: as above
    email: { type: 'string' },
  },
});
// #endregion naive

// #region fastify
/** The same in Fastify: a response schema compiles to this serializer and strips unknown fields. */
export function createFastifyUsersApp(getUsers: () => Promise<User[]>): FastifyInstance {
  const app = Fastify(); // its logger is off by default
  app.get('/users', { schema: { response: { 200: { type: 'array', items: userSchema } } } }, () => getUsers());
  return app;
}
// #endregion fastify
