import { Router } from 'express';
import type { UserController } from '../controllers/user-controller.js';
import { validate } from '../middleware/validate.js';
import { idParamsSchema, pageSchema, registerUserSchema, userPatchSchema } from '../schemas.js';

// #region user-routes
/** The URL map, read at a glance: path, what is validated, which handler. */
export function userRoutes(controller: UserController): Router {
  const router = Router();
  router.post('/', validate(registerUserSchema, 'body'), controller.register);
  router.get('/', validate(pageSchema, 'query'), controller.list);
  router.get('/:id', validate(idParamsSchema, 'params'), controller.get);
  router.patch('/:id', validate(idParamsSchema, 'params'), validate(userPatchSchema, 'body'), controller.update);
  router.delete('/:id', validate(idParamsSchema, 'params'), controller.remove);
  return router;
}
// #endregion user-routes
