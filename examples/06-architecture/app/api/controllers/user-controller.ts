import type { Request, Response } from 'express';
import type { UserService } from '../../services/user-service.js';

// #region user-controller
/**
 * HTTP in, HTTP out: read the validated input, call the service, pick the status. No try/catch
 * (Express 5 forwards rejections to the error handler), no SQL, no business rules.
 */
export function createUserController(users: UserService) {
  return {
    register: async (_req: Request, res: Response) => {
      const user = await users.register(res.locals.body);
      res.status(201).location(`/users/${user.id}`).json(user);
    },
    get: async (_req: Request, res: Response) => {
      res.json(await users.getById(res.locals.params.id));
    },
    list: async (_req: Request, res: Response) => {
      res.json(await users.list(res.locals.query));
    },
    update: async (_req: Request, res: Response) => {
      res.json(await users.update(res.locals.params.id, res.locals.body));
    },
    remove: async (_req: Request, res: Response) => {
      await users.remove(res.locals.params.id);
      res.status(204).end();
    },
  };
}
// #endregion user-controller

export type UserController = ReturnType<typeof createUserController>;
