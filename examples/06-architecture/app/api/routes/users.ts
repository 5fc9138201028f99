import { Router } from 'express';
import type { UserController } from '../controllers/user-controller.js';
import { adminOnly, selfOrAdmin } from '../middleware/auth.js';
import { validate } from '../middleware/validate.js';
import { idParamsSchema, pageSchema, registerUserSchema, userPatchSchema } from '../schemas.js';

// #region user-routes
/** The URL map, read at a glance: path, who may, what is validated, which handler. */
export function userRoutes(controller: UserController): Router {
  const router = Router();
  const params = validate(idParamsSchema, 'params');
  router.post('/', adminOnly('create users'), validate(registerUserSchema, 'body'), controller.register);
  router.get('/', validate(pageSchema, 'query'), controller.list);
  router.get('/:id', params, controller.get);
  router.patch('/:id', params, selfOrAdmin('rename other users'), validate(userPatchSchema, 'body'), controller.update);
  router.delete('/:id', adminOnly('delete users'), params, controller.remove);
  return router;
}
// #endregion user-routes
